package nl.regie.runtime.statefiles;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The short strings of one file read, shared: a state file repeats the same few (entity types, attribute names,
 * units, a source over each of its attributes) in every record, and reading them as one instance each saves most of
 * a load's allocations and the memory of what is loaded. A direct-mapped table: a collision replaces the entry.
 * One per reading thread.
 */
final class StringCache {

    static final int MAX_BYTES = 32;
    private static final int SLOTS = 4096;

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    String get(byte[] bytes, int from, int length) {
        int hash = 1;
        for (int i = from; i < from + length; i++) {
            hash = 31 * hash + bytes[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, bytes, from, from + length)) {
            return values[slot];
        }
        String value = new String(bytes, from, length, StandardCharsets.UTF_8);
        keys[slot] = Arrays.copyOfRange(bytes, from, from + length);
        values[slot] = value;
        return value;
    }
}
