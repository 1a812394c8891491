package nl.regie.runtime.statefiles;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds the payload of one record: a growable byte array with big-endian numbers, strings as a length and UTF-8
 * bytes, and instants as seconds and nanoseconds. Reused record after record ({@link #reset}); not thread-safe.
 */
public final class Encoder {

    private byte[] bytes = new byte[256];
    private int size;

    /** Empties it for the next record. */
    public Encoder reset() {
        size = 0;
        return this;
    }

    /** How many bytes it holds. */
    public int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    /** A copy of what it holds. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public Encoder writeByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
        return this;
    }

    public Encoder writeBoolean(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    public Encoder writeInt(int v) {
        ensure(4);
        bytes[size++] = (byte) (v >>> 24);
        bytes[size++] = (byte) (v >>> 16);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
        return this;
    }

    public Encoder writeLong(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    public Encoder writeDouble(double v) {
        return writeLong(Double.doubleToRawLongBits(v));
    }

    /** A string, never null: its UTF-8 length as an int, then its bytes. */
    public Encoder writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, bytes, size, utf8.length);
        size += utf8.length;
        return this;
    }

    /** Bytes, never null: their number as an int, then the bytes. */
    public Encoder writeBytes(byte[] b) {
        writeInt(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
        return this;
    }

    /** A string or null: a presence byte, then the string. */
    public Encoder writeNullableString(String s) {
        writeBoolean(s != null);
        return s == null ? this : writeString(s);
    }

    /** An instant, never null: epoch seconds, then nanoseconds. */
    public Encoder writeInstant(Instant t) {
        writeLong(t.getEpochSecond());
        return writeInt(t.getNano());
    }

    /** An instant or null: a presence byte, then the instant. */
    public Encoder writeNullableInstant(Instant t) {
        writeBoolean(t != null);
        return t == null ? this : writeInstant(t);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
