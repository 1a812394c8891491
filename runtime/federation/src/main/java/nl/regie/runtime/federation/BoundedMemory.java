package nl.regie.runtime.federation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} keys seen, with a value each, the oldest forgotten first: the de-duplication window of
 * reading ids, and the hop counts of imported readings. Thread-safe.
 */
final class BoundedMemory<V> {

    private final int capacity;
    private final LinkedHashMap<String, V> entries;

    BoundedMemory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > BoundedMemory.this.capacity;
            }
        };
    }

    /** Remembers the key; returns false when it was remembered already (then nothing changes). */
    synchronized boolean add(String key, V value) {
        if (entries.containsKey(key)) {
            return false;
        }
        entries.put(key, value);
        return true;
    }

    synchronized V get(String key) {
        return entries.get(key);
    }

    synchronized int size() {
        return entries.size();
    }

    int capacity() {
        return capacity;
    }
}
