package nl.regie.benchmarks;

import java.util.List;
import java.util.stream.IntStream;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

/** A bus under test with its subscribers in place: publishing message {@code i} reaches every subscriber. */
interface Fixture {

    /** How many distinct messages are prepared (100 bins, so 100 topics); a power of two. */
    int MESSAGES = 1024;

    /** The buses by name, in the order the harnesses run them: Regie's two paths, then EventAdmin's two settings. */
    List<String> BUSES = List.of("regie-bus", "regie-bus-enforced", "eventadmin-default", "eventadmin-timeout0");

    /** Starts bus {@code bus} (one of {@link #BUSES}) with {@code sink.subscribers()} subscribers reporting to it. */
    static Fixture start(String bus, Sink sink) throws Exception {
        return switch (bus) {
            case "regie-bus" -> new RegieBusFixture(sink, false);
            case "regie-bus-enforced" -> new RegieBusFixture(sink, true);
            case "eventadmin-default" -> new EventAdminFixture(false, sink);
            case "eventadmin-timeout0" -> new EventAdminFixture(true, sink);
            default -> throw new IllegalArgumentException("unknown bus " + bus + "; known: " + BUSES);
        };
    }

    /** Publishes the prepared message {@code i % MESSAGES}. */
    void publish(int i);

    /** Stops the bus; fails if the run was not valid (for example if readings were dropped). */
    void stop() throws Exception;

    /**
     * What each subscriber lost so far, by subscriber index: readings the bus dropped and counted (its queue was full,
     * or the subscriber was quarantined). EventAdmin never drops an event it accepted for a handler it still serves, so
     * its fixture reports zeros.
     */
    long[] dropped();

    /** Readings or events accepted but not yet delivered, summed over the subscribers; -1 if the bus does not say. */
    long queued();

    /** Stops the bus whatever it dropped, for the harnesses that overload it on purpose. */
    void close() throws Exception;

    /**
     * The readings every bus carries, prepared up front so the benchmark measures the bus, not their creation; the
     * EventAdmin fixture prepares one {@code Event} around each of them the same way (see {@link EventAdminFixture}).
     * The reading at index {@code i} has the value {@code i / MESSAGES}.
     */
    static List<Reading> readings() {
        return IntStream.range(0, MESSAGES)
                .mapToObj(i -> Reading.of(EntityId.of("WasteContainer", "bin-" + i % 100), "fillingLevel",
                        Value.of(i / (double) MESSAGES), "/", "benchmark"))
                .toList();
    }
}
