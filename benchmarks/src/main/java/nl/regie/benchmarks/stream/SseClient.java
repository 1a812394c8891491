package nl.regie.benchmarks.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;

/**
 * One stream client's reading side: takes the bytes of its connection as they come and parses them for real: the
 * HTTP response head (status 200, {@code text/event-stream}), chunked transfer coding, then Server-Sent Events
 * (fields, comments, dispatch on the blank line). A {@code change} event's data must be the JSON of a
 * {@code StreamBench} change with a {@code value} (the change's sequence number) and an {@code observedAt}; each
 * one is counted per benchmark phase with its latency (from when the pacer published it to now). Used by one
 * thread; the flags read by others are volatile.
 */
final class SseClient {

    private enum State { HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, RAW, END }

    final int index;
    private final Pacer pacer;
    private final Latencies[] latencies;
    private State state = State.HEAD;
    private final StringBuilder head = new StringBuilder();
    private long chunkLeft;
    private boolean chunkExtension;
    private byte[] line = new byte[512];
    private int lineLength;
    private String eventName;
    private final StringBuilder data = new StringBuilder(256);
    private boolean hasData;

    final BitSet received = new BitSet();
    final long[] events;
    final long[] resyncs;
    final long[] duplicates;
    /** Times the server ended this client's stream, by the phase it happened in. */
    final long[] drops;
    long outOfOrder;
    long malformed;
    long otherEvents;
    long heartbeats;
    long bytes;
    private long lastSequence = -1;
    private int lastPhase;
    volatile long highest = -1;
    volatile boolean connected;
    /** Why the stream ended before the benchmark closed it (the server dropped the client), or null. */
    volatile String ended;

    /**
     * @param latencies the latency histogram of each phase, shared with the other clients of the same thread
     */
    SseClient(int index, Pacer pacer, Latencies[] latencies) {
        this.index = index;
        this.pacer = pacer;
        this.latencies = latencies;
        this.events = new long[latencies.length];
        this.resyncs = new long[latencies.length];
        this.duplicates = new long[latencies.length];
        this.drops = new long[latencies.length];
    }

    /** Parses what arrived. */
    void onBytes(ByteBuffer in) {
        bytes += in.remaining();
        while (in.hasRemaining()) {
            switch (state) {
                case HEAD -> head(in.get());
                case CHUNK_SIZE -> chunkSize(in.get());
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, in.remaining());
                    for (int i = 0; i < n; i++) {
                        sse(in.get());
                    }
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = State.CHUNK_END;
                        chunkLeft = 2;
                    }
                }
                case CHUNK_END -> {
                    in.get();
                    if (--chunkLeft == 0) {
                        state = State.CHUNK_SIZE;
                        chunkExtension = false;
                    }
                }
                case RAW -> sse(in.get());
                case END -> in.get();
            }
        }
    }

    /** The connection ended (end of stream or an error) while the benchmark was still reading. */
    void onEnd(String why) {
        if (ended == null) {
            ended = why;
            drops[Math.min(drops.length - 1, pacer.phaseOf(pacer.published()))]++; // after the end: the last phase
        }
    }

    /** A new connection replaces the one that ended: parse from its response head again; the figures go on. */
    void restart() {
        state = State.HEAD;
        head.setLength(0);
        chunkLeft = 0;
        chunkExtension = false;
        lineLength = 0;
        eventName = null;
        data.setLength(0);
        hasData = false;
        ended = null;
    }

    private void head(byte b) {
        head.append((char) (b & 0xff));
        int n = head.length();
        if (n < 4 || head.charAt(n - 1) != '\n' || head.charAt(n - 2) != '\r' || head.charAt(n - 3) != '\n') {
            if (n > 16_384) {
                fail("a response head over 16 KiB");
            }
            return;
        }
        String[] lines = head.toString().split("\r\n");
        if (!lines[0].matches("HTTP/1\\.[01] 200 .*|HTTP/1\\.[01] 200")) {
            fail("the response was " + lines[0]);
            return;
        }
        boolean chunked = false;
        boolean eventStream = false;
        for (String header : lines) {
            String lower = header.toLowerCase(Locale.ROOT);
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
            eventStream |= lower.startsWith("content-type:") && lower.contains("text/event-stream");
        }
        if (!eventStream) {
            fail("the response is not text/event-stream: " + String.join(" | ", lines));
            return;
        }
        state = chunked ? State.CHUNK_SIZE : State.RAW;
    }

    private void chunkSize(byte b) {
        if (b == '\n') {
            state = chunkLeft == 0 ? State.END : State.CHUNK_DATA;
            if (state == State.END) {
                onEnd("the server ended the stream");
            }
        } else if (b == ';') {
            chunkExtension = true;
        } else if (!chunkExtension && b != '\r') {
            int digit = Character.digit(b, 16);
            if (digit < 0) {
                fail("a bad chunk size byte " + b);
                return;
            }
            chunkLeft = chunkLeft * 16 + digit;
        }
    }

    private void fail(String why) {
        state = State.END;
        onEnd(why);
    }

    private void sse(byte b) {
        if (b == '\n') {
            int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            line(n);
            lineLength = 0;
            return;
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void line(int n) {
        if (n == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            String comment = new String(line, 1, n - 1, StandardCharsets.UTF_8).trim();
            if (comment.equals("connected")) {
                connected = true;
            } else {
                heartbeats++;
            }
            return;
        }
        int colon = 0;
        while (colon < n && line[colon] != ':') {
            colon++;
        }
        String field = new String(line, 0, colon, StandardCharsets.US_ASCII);
        int from = colon + 1 < n && line[colon + 1] == ' ' ? colon + 2 : Math.min(n, colon + 1);
        String value = new String(line, from, n - from, StandardCharsets.UTF_8);
        switch (field) {
            case "event" -> eventName = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> {
                // id and retry: the sequence number travels in the data
            }
        }
    }

    private void dispatch() {
        String name = eventName == null ? "message" : eventName;
        if (hasData) {
            switch (name) {
                case "change" -> change(data.toString());
                case "resync" -> resyncs[lastPhase]++;
                default -> otherEvents++;
            }
        }
        eventName = null;
        data.setLength(0);
        hasData = false;
    }

    private void change(String json) {
        int value = json.indexOf("\"value\":");
        if (value < 0 || !json.contains("\"type\":\"StreamBench\"") || !json.contains("\"observedAt\":\"")) {
            malformed++;
            return;
        }
        int start = value + 8;
        int end = start;
        while (end < json.length() && "0123456789.-+Ee".indexOf(json.charAt(end)) >= 0) {
            end++;
        }
        long sequence;
        try {
            sequence = (long) Double.parseDouble(json.substring(start, end));
        } catch (NumberFormatException e) {
            malformed++;
            return;
        }
        long publishedAt = pacer.publishedAt(sequence);
        if (publishedAt == 0) {
            malformed++;
            return;
        }
        int phase = pacer.phaseOf(sequence);
        lastPhase = phase;
        if (received.get((int) sequence)) {
            duplicates[phase]++;
            return;
        }
        received.set((int) sequence);
        events[phase]++;
        latencies[phase].record(System.nanoTime() - publishedAt);
        if (sequence < lastSequence) {
            outOfOrder++;
        }
        lastSequence = sequence;
        highest = Math.max(highest, sequence);
    }

    /** Changes of [from, to) that never arrived. */
    long missing(long from, long to) {
        if (to <= from) {
            return 0;
        }
        return (to - from) - received.get((int) from, (int) to).cardinality();
    }
}
