package nl.regie.runtime.federation;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts by a name from a small, bounded set (rule texts, reasons): never by entity. */
final class Counters {

    /** Names counted at most; further names are counted under {@code other}. */
    static final int MAX_NAMES = 200;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void increment(String name) {
        LongAdder count = counts.get(name);
        if (count == null) {
            count = counts.computeIfAbsent(counts.size() >= MAX_NAMES ? "other" : name, n -> new LongAdder());
        }
        count.increment();
    }

    long get(String name) {
        LongAdder count = counts.get(name);
        return count == null ? 0 : count.sum();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((name, count) -> copy.put(name, count.sum()));
        return copy;
    }
}
