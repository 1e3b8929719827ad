package dev.mu2sls.examples.wallet;

import dev.mu2sls.Service;
import dev.mu2sls.Transaction;
import dev.mu2sls.TransactionAbortedException;

/** Buys with a {@link Wallet} in a transaction, which the wallet aborts when the balance is too low. */
@Service
public class Shop {
    private final WalletClient wallet = new WalletClient();

    /** Spends {@code first} then {@code second} from the wallet in one transaction; the balance left. */
    public long buyTwice(String walletId, long first, long second) {
        return Transaction.run(tx -> wallet.spendTwice(walletId, first, second));
    }

    /** "bought"; "returned" when {@code keep} is false (the shop aborts); "refused" when the wallet aborted. */
    public String buy(String walletId, long amount, boolean keep) {
        try {
            return Transaction.run(tx -> {
                wallet.spend(walletId, amount);
                if (!keep) {
                    tx.abort();
                    return "returned";
                }
                return "bought";
            });
        } catch (TransactionAbortedException refused) {
            return "refused";
        }
    }
}
