package nl.regie.runtime.statefiles;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Reads the payload of one record as {@link Encoder} wrote it. A payload that ends early or holds an impossible value
 * throws {@link IllegalArgumentException} naming what was read, which the store reports as a damaged record. Reads
 * straight from the file's bytes: a load decodes hundreds of thousands of records.
 */
public final class Decoder {

    private final byte[] bytes;
    private final int end;
    private final StringCache strings;
    private int at;

    Decoder(byte[] bytes, int from, int length, StringCache strings) {
        this.bytes = bytes;
        this.at = from;
        this.end = from + length;
        this.strings = strings;
    }

    /** A decoder over a whole byte array (tests, and owners checking their codecs). */
    public static Decoder of(byte[] payload) {
        return new Decoder(payload, 0, payload.length, null);
    }

    /** Whether every byte has been read. */
    public boolean atEnd() {
        return at == end;
    }

    public int readByte() {
        need(1, "a byte");
        return bytes[at++];
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b != 0 && b != 1) {
            throw new IllegalArgumentException("expected a boolean (0 or 1), found " + b);
        }
        return b == 1;
    }

    public int readInt() {
        need(4, "an int");
        int v = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | bytes[at + 3] & 0xff;
        at += 4;
        return v;
    }

    /**
     * The int {@link #readInt} would read, without reading it: for a record whose kind is told by whether it begins
     * with a string (a length, never negative) or a negative number.
     */
    public int peekInt() {
        int v = readInt();
        at -= 4;
        return v;
    }

    public long readLong() {
        need(8, "a long");
        long high = readInt();
        return high << 32 | readInt() & 0xffffffffL;
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    public String readString() {
        int length = readInt();
        if (length < 0) {
            throw new IllegalArgumentException("a string length of " + length);
        }
        need(length, "a string");
        String s = strings != null && length <= StringCache.MAX_BYTES ? strings.get(bytes, at, length)
                : new String(bytes, at, length, StandardCharsets.UTF_8);
        at += length;
        return s;
    }

    /** Bytes {@link Encoder#writeBytes} wrote: their number, then the bytes. */
    public byte[] readBytes() {
        int length = readInt();
        if (length < 0) {
            throw new IllegalArgumentException("a byte count of " + length);
        }
        need(length, "bytes");
        byte[] copy = Arrays.copyOfRange(bytes, at, at + length);
        at += length;
        return copy;
    }

    public String readNullableString() {
        return readBoolean() ? readString() : null;
    }

    public Instant readInstant() {
        long seconds = readLong();
        int nanos = readInt();
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("an instant with " + nanos + " nanoseconds");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    public Instant readNullableInstant() {
        return readBoolean() ? readInstant() : null;
    }

    /** @param what a constant: no text is built unless the record is short */
    private void need(int count, String what) {
        if (end - at < count) {
            throw new IllegalArgumentException("the record ends where " + what + " of " + count + " bytes was expected ("
                    + (end - at) + " bytes left)");
        }
    }
}
