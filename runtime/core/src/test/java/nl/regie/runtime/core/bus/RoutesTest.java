package nl.regie.runtime.core.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

class RoutesTest {

    private final RecordingLogger log = new RecordingLogger();
    private long lastId;

    /** A subscriber that is never started: routes only ask it which topics it takes. */
    private Subscriber subscriber(String... filters) {
        List<TopicFilter> parsed = List.of(filters).stream().map(TopicFilter::parse).toList();
        return new Subscriber(++lastId, new Owner("test.plugin", "1.0.0", 42), null, parsed, reading -> { }, null,
                new BusSettings(10, Duration.ofSeconds(1), 3), new SubscriberLog(log.logger()), (s, generation) -> { },
                new LatencyHistogram());
    }

    private static Reading reading(String type, String localId, String attribute) {
        return Reading.of(EntityId.of(type, localId), attribute, Value.of(1), "", "test");
    }

    @Test
    void topicsGoingToTheSameSubscribersShareOneArray() {
        Subscriber bins = subscriber("WasteContainer/+/fillingLevel");
        Subscriber all = subscriber("#");
        Subscriber lights = subscriber("Streetlight/#");
        Routes routes = new Routes(List.of(bins, all, lights));

        Subscriber[] first = routes.match(reading("WasteContainer", "bin-001", "fillingLevel"));
        Subscriber[] second = routes.match(reading("WasteContainer", "bin-002", "fillingLevel"));
        Subscriber[] light = routes.match(reading("Streetlight", "sl-001", "powerConsumption"));
        Subscriber[] otherLight = routes.match(reading("Streetlight", "sl-002", "illuminanceLevel"));
        Subscriber[] temperature = routes.match(reading("WasteContainer", "bin-001", "temperature"));

        assertArrayEquals(new Subscriber[] {bins, all}, first);
        assertSame(first, second);
        assertArrayEquals(new Subscriber[] {all, lights}, light);
        assertSame(light, otherLight);
        assertArrayEquals(new Subscriber[] {all}, temperature);
        assertNotSame(first, light);
        // A topic asked again gets its cached array, not a new match.
        assertSame(first, routes.match(reading("WasteContainer", "bin-001", "fillingLevel")));
    }

    @Test
    void newRoutesMatchTheirOwnSubscribersAfresh() {
        Subscriber all = subscriber("#");
        Routes routes = new Routes(List.of(all));
        Subscriber[] before = routes.match(reading("WasteContainer", "bin-001", "fillingLevel"));

        Subscriber bins = subscriber("WasteContainer/#");
        Routes more = routes.with(bins);

        assertArrayEquals(new Subscriber[] {all}, before);
        assertArrayEquals(new Subscriber[] {all, bins}, more.match(reading("WasteContainer", "bin-001", "fillingLevel")));
        assertArrayEquals(new Subscriber[] {bins},
                more.without(all).match(reading("WasteContainer", "bin-001", "fillingLevel")));
    }
}
