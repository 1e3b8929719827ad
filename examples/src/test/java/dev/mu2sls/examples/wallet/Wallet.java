package dev.mu2sls.examples.wallet;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.Transaction;

/** A balance that a participant spends inside its caller's transaction, aborting it when too low. */
@Service
public class Wallet {
    private final PersistentMap<String, Long> balances;

    public Wallet(State state) {
        balances = state.map("balances", String.class, Long.class);
    }

    public void open(String walletId, long balance) {
        balances.put(walletId, balance);
    }

    public long balance(String walletId) {
        return balances.getOrDefault(walletId, 0L);
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
