package dev.mu2sls.examples.lists;

import dev.mu2sls.Service;
import dev.mu2sls.Transaction;
import java.util.ArrayList;
import java.util.List;

/** Runs a list of appends and reads against {@link Lists} in one transaction. */
@Service
public class ListTransactions {
    private final ListsClient lists = new ListsClient();

    /** The result of each operation in order: the list read, or an empty list for an append. */
    public List<List<Integer>> run(List<ListOp> ops) {
        return Transaction.run(tx -> {
            List<List<Integer>> results = new ArrayList<>();
            for (ListOp op : ops) {
                if (op.kind().equals("append")) {
                    lists.append(op.key(), op.value());
                    results.add(List.of());
                } else {
                    results.add(lists.read(op.key()));
                }
            }
            return results;
        });
    }
}
