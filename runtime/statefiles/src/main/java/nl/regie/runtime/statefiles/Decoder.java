package nl.regie.runtime.statefiles;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads the payload of one record as {@link Encoder} wrote it. A payload that ends early or holds an impossible value
 * throws {@link IllegalArgumentException} naming what was read, which the store reports as a damaged record.
 */
public final class Decoder {

    private final ByteBuffer buffer;
    private final StringCache strings;

    Decoder(ByteBuffer payload) {
        this(payload, null);
    }

    Decoder(ByteBuffer payload, StringCache strings) {
        this.buffer = payload;
        this.strings = strings;
    }

    /** A decoder over a whole byte array (tests, and owners checking their codecs). */
    public static Decoder of(byte[] payload) {
        return new Decoder(ByteBuffer.wrap(payload));
    }

    /** Whether every byte has been read. */
    public boolean atEnd() {
        return !buffer.hasRemaining();
    }

    public int readByte() {
        need(1, "a byte");
        return buffer.get();
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
        return buffer.getInt();
    }

    public long readLong() {
        need(8, "a long");
        return buffer.getLong();
    }

    public double readDouble() {
        need(8, "a double");
        return buffer.getDouble();
    }

    public String readString() {
        int length = readInt();
        if (length < 0) {
            throw new IllegalArgumentException("a string length of " + length);
        }
        need(length, "a string of " + length + " bytes");
        int from = buffer.arrayOffset() + buffer.position();
        String s = strings != null && length <= StringCache.MAX_BYTES ? strings.get(buffer.array(), from, length)
                : new String(buffer.array(), from, length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return s;
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

    private void need(int bytes, String what) {
        if (buffer.remaining() < bytes) {
            throw new IllegalArgumentException("the record ends where " + what + " was expected (" + buffer.remaining()
                    + " bytes left)");
        }
    }
}
