package dev.mu2sls.examples;

import static dev.mu2sls.examples.CountedReads.submit;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mu2sls.core.CallTransport;
import dev.mu2sls.core.Engine;
import dev.mu2sls.core.Response;
import dev.mu2sls.examples.wallet.ReceiptsDispatcher;
import dev.mu2sls.examples.wallet.ShopDispatcher;
import dev.mu2sls.examples.wallet.WalletDispatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A participant reading a key its state cache holds assumes its transaction has no provisional
 * write of it instead of reading one: the persist checks that, as it checks the cached value, and
 * a wrong guess replays the segment with both read. A booking's reservations then read nothing
 * outside their commits; a transfer from an account to itself still deposits onto its own
 * withdrawal when the deposit runs on an instance whose cache holds the balance from before, and
 * a participant that aborts its transaction first checks the reads it decided on. A participant
 * that wrote a key in an earlier segment reads its own provisional write without guessing.
 */
class ParticipantReadsTest {
    @Test
    void booking_reservationsOfCachedKeys_readNoProvisionalWriteOutsideTheirCommits() {
        CountedReads store = new CountedReads('P'); // transaction records
        try (Engine engine = store.engine(Workloads.W5)) {
            submit(engine, "open-h", "Hotel", "open", "[\"h\", 5]");
            submit(engine, "open-f", "Flight", "open", "[\"f\", 5]");
            submit(engine, "b1", "Frontend", "book", "[\"ann\", \"f\", \"h\"]");
            store.reset();

            assertThat(submit(engine, "b2", "Frontend", "book", "[\"bob\", \"f\", \"h\"]")
                            .ok())
                    .isTrue();

            assertThat(store.reads())
                    .as("transaction records read outside a commit by the second booking's reservations")
                    .isZero();
        }
    }

    @Test
    void transferToTheSameAccount_depositOnAnotherInstanceWithTheBalanceCached_seesTheWithdrawal() {
        CountedReads store = new CountedReads('P'); // transaction records
        Engine[] engines = new Engine[2]; // [0] runs everything but deposits, [1] the deposits
        CallTransport byMethod =
                invocation -> engines[invocation.method().equals("deposit") ? 1 : 0].invoke(invocation);
        engines[0] = store.engine(Workloads.W6, byMethod);
        engines[1] = store.engine(Workloads.W6, byMethod);
        try (Engine first = engines[0];
                Engine second = engines[1]) {
            submit(first, "open", "Account", "open", "[\"a\", 10]");
            assertThat(value(submit(second, "warm", "Account", "balance", "[\"a\"]")))
                    .as("the balance, now in the depositing instance's state cache")
                    .isEqualTo("10");

            for (int i = 0; i < 3; i++) {
                assertThat(value(submit(first, "self-" + i, "Bank", "transfer", "[\"a\", \"a\", 3]")))
                        .isEqualTo("true");
            }

            assertThat(value(submit(first, "after", "Account", "balance", "[\"a\"]")))
                    .as("each deposit onto its own withdrawal: no money made")
                    .isEqualTo("10");
        }
    }

    @Test
    void participantAbort_onABalanceCachedFromAnAbortedTransaction_readsItAgainFirst() {
        CountedReads store = new CountedReads('P'); // transaction records
        try (Engine engine = store.engine(List.of(new ShopDispatcher(), new WalletDispatcher()))) {
            submit(engine, "open", "Wallet", "open", "[\"w\", 10]");
            assertThat(value(submit(engine, "returned", "Shop", "buy", "[\"w\", 10, false]")))
                    .as("spent in a transaction the shop aborted: the wallet's cache presumes 0, the store keeps 10")
                    .isEqualTo("\"returned\"");

            assertThat(value(submit(engine, "bought", "Shop", "buy", "[\"w\", 5, true]")))
                    .as("the wallet's abort checks the balance it read before it is recorded")
                    .isEqualTo("\"bought\"");
            assertThat(value(submit(engine, "after", "Wallet", "balance", "[\"w\"]")))
                    .isEqualTo("5");
        }
    }

    @Test
    void participantRereadingAKeyItWroteInAnEarlierSegment_readsItsProvisionalWrite_nothingFoundStale() {
        CountedReads store = new CountedReads('P'); // transaction records
        try (Engine engine =
                store.engine(List.of(new ShopDispatcher(), new WalletDispatcher(), new ReceiptsDispatcher()))) {
            submit(engine, "open", "Wallet", "open", "[\"w\", 10]");
            submit(engine, "warm", "Wallet", "balance", "[\"w\"]");
            long staleBefore = engine.stats().stateCacheStale();

            assertThat(value(submit(engine, "twice", "Shop", "buyTwice", "[\"w\", 3, 2]")))
                    .isEqualTo("5");

            assertThat(engine.stats().stateCacheStale() - staleBefore)
                    .as("cached values found stale: the second read knew the wallet's own W record exists")
                    .isZero();
            assertThat(value(submit(engine, "after", "Wallet", "balance", "[\"w\"]")))
                    .isEqualTo("5");
        }
    }

    private static String value(Response response) {
        assertThat(response.ok()).as("%s", response).isTrue();
        return new String(response.value(), UTF_8);
    }
}
