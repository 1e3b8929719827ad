package dev.mu2sls.examples.wallet;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;

/** A balance that a participant spends inside its caller's transaction, aborting it when too low. */
@Service
public class Wallet {
    private final PersistentMap<String, Long> balances;
    private final ReceiptsClient receipts = new ReceiptsClient();

    public Wallet(State state) {
        balances = state.map("balances", String.class, Long.class);
    }

    public void open(String walletId, long balance) {
        balances.put(walletId, balance);
    }

    public long balance(String walletId) {
        return balances.getOrDefault(walletId, 0L);
    }

    /**
     * Joins the caller's transaction and spends {@code first}, notes a receipt (a call: the
     * segment persists, its write becoming provisional), then spends {@code second} from what it
     * reads again: its own provisional write. Returns the balance left.
     */
    public long spendTwice(String walletId, long first, long second) {
        return Transaction.run(tx -> {
            balances.put(walletId, balances.getOrDefault(walletId, 0L) - first);
            receipts.note(walletId);
            long left = balances.getOrDefault(walletId, 0L) - second;
            balances.put(walletId, left);
            return left;
        });
    }

    /** Joins the caller's transaction and spends {@code amount}, or aborts the transaction if the balance is lower. */
    public boolean spend(String walletId, long amount) {
        return Transaction.run(tx -> {
            long balance = balances.getOrDefault(walletId, 0L);
            if (balance < amount) {
                tx.abort();
                return false;
            }
            balances.put(walletId, balance - amount);
            return true;
        });
    }
}
