package nl.regie.runtime.web.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a live stream event, {@code {epoch}-{sequence}}: two decimal numbers. The epoch grows with every start of
 * the stream ({@link StreamEpoch}), the sequence with every reading on the bus within one start, so an id is never
 * given twice, also across restarts, and a client's {@code Last-Event-ID} says which start and which event it last
 * saw.
 *
 * @param epoch    the start of the stream that gave the id
 * @param sequence the event within that start, from 1
 */
record EventId(long epoch, long sequence) {

    /** Longer than any id this stream gives (two numbers of at most 18 digits and a dash). */
    static final int MAX_LENGTH = 40;

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,18})-(\\d{1,18})");

    /**
     * Reads a {@code Last-Event-ID} header.
     *
     * @return the id, or null when the header is absent or empty (the SSE rule for a client that saw no id)
     * @throws IllegalArgumentException saying what is wrong, quoting at most the first {@value #MAX_LENGTH}
     *                                  characters with anything unprintable replaced
     */
    static EventId parse(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        if (header.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Last-Event-ID '" + quote(header) + "...' is " + header.length()
                    + " characters long; the ids this stream gives are {epoch}-{sequence}, at most " + MAX_LENGTH);
        }
        Matcher m = FORMAT.matcher(header);
        if (!m.matches()) {
            throw new IllegalArgumentException("Last-Event-ID '" + quote(header) + "' is not an id this stream gives:"
                    + " {epoch}-{sequence}, two decimal numbers such as 12-3456");
        }
        return new EventId(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The id as text; with {@link StreamHub#NO_EPOCH}, the sequence alone. */
    static String text(long epoch, long sequence) {
        return epoch == StreamHub.NO_EPOCH ? Long.toString(sequence) : epoch + "-" + sequence;
    }

    @Override
    public String toString() {
        return text(epoch, sequence);
    }

    private static String quote(String text) {
        String start = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
        return start.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
