package dev.mu2sls.examples.lists;

import dev.mu2sls.PersistentMap;
import dev.mu2sls.Service;
import dev.mu2sls.State;
import dev.mu2sls.TypeRef;
import java.util.ArrayList;
import java.util.List;

/** Lists of integers by key: the data type of list-append serializability checking (Elle). */
@Service
public class Lists {
    private final PersistentMap<String, List<Integer>> lists;

    public Lists(State state) {
        lists = state.map("lists", String.class, new TypeRef<List<Integer>>() {});
    }

    public void append(String key, int value) {
        List<Integer> list = new ArrayList<>(lists.getOrDefault(key, List.of()));
        list.add(value);
        lists.put(key, list);
    }

    public List<Integer> read(String key) {
        return lists.getOrDefault(key, List.of());
    }
}
