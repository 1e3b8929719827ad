package dev.mu2sls.examples.bank;

import dev.mu2sls.Internal;
import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import java.util.List;
import java.util.Map;

/** W6: account balances. */
@Service
public class Account {
    private final PersistentMap<String, Long> balances;

    public Account(State state) {
        balances = state.map("balances", String.class, Long.class);
    }

    public void open(String accountId, long balance) {
        balances.put(accountId, balance);
    }

    /** Takes {@code amount} from the account; false (and no change) if the balance is too low. */
    @Internal // clients move money only through Bank.transfer, which checks the amount
    public boolean withdraw(String accountId, long amount) {
        long balance = balances.getOrDefault(accountId, 0L);
        if (balance < amount) {
            return false;
        }
        balances.put(accountId, balance - amount);
        return true;
    }

    @Internal // clients move money only through Bank.transfer, which checks the amount
    public void deposit(String accountId, long amount) {
        balances.put(accountId, balances.getOrDefault(accountId, 0L) + amount);
    }

    public long balance(String accountId) {
        return balances.getOrDefault(accountId, 0L);
    }

    /** The sum of all balances (reads every account). */
    public long total() {
        long total = 0;
        List<Map.Entry<String, Long>> page = balances.scan(null, null, 10_000);
        for (Map.Entry<String, Long> entry : page) {
            total += entry.getValue();
        }
        return total;
    }
}
