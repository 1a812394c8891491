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

    /** Publishes the prepared message {@code i % MESSAGES}. */
    void publish(int i);

    /** Stops the bus; fails if the run was not valid (for example if readings were dropped). */
    void stop() throws Exception;

    /** The readings both buses carry, prepared up front so the benchmark measures the bus, not their creation. */
    static List<Reading> readings() {
        return IntStream.range(0, MESSAGES)
                .mapToObj(i -> Reading.of(EntityId.of("WasteContainer", "bin-" + i % 100), "fillingLevel",
                        Value.of(i / (double) MESSAGES), "/", "benchmark"))
                .toList();
    }
}
