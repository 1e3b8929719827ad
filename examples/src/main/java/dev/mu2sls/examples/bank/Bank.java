package dev.mu2sls.examples.bank;

import dev.mu2sls.Service;
import dev.mu2sls.Transaction;

/** W6 bank: transfers in transactions, and an audit that reads every balance in one. */
@Service
public class Bank {
    private final AccountClient accounts = new AccountClient();

    /** Moves {@code amount} between accounts atomically; false when {@code from} lacks the funds. */
    public boolean transfer(String from, String to, long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        return Transaction.run(tx -> {
            if (!accounts.withdraw(from, amount)) {
                tx.abort();
                return false;
            }
            accounts.deposit(to, amount);
            return true;
        });
    }

    /** The total of all balances, read in one transaction. */
    public long audit() {
        return Transaction.run(tx -> accounts.total());
    }
}
