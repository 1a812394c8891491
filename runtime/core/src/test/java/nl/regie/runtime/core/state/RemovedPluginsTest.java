package nl.regie.runtime.core.state;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The values of an uninstalled plugin stay in the city state, marked stale attribute by attribute, across a restart,
 * until a reading of the attribute replaces them.
 */
class RemovedPluginsTest {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime", "0.1.0", 1);
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");
    private static final EntityId ROUTE = EntityId.of("WasteCollectionRoute", "north");
    private static final EntityId ALERT = EntityId.of("Alert", "fire-bin-1");

    @TempDir
    Path state;

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());

    @AfterEach
    void close() {
        bus.close();
    }

    private static Reading reading(EntityId entity, String attribute, Value value, int second, String source) {
        Instant at = T0.plusSeconds(second);
        return new Reading(entity, attribute, value, "", at, at, source, null);
    }

    private CityStateComponent open() {
        return new CityStateComponent(bus, RUNTIME, state.resolve("city"), log.logger());
    }

    /** Publishes and waits until the city state has taken every reading. */
    private void publish(CityStateComponent city, Reading... readings) {
        for (Reading reading : readings) {
            bus.publish(reading.source(), reading);
        }
        Reading last = readings[readings.length - 1];
        await().atMost(Duration.ofSeconds(5)).until(() -> city.entity(last.entity())
                .flatMap(e -> e.attribute(last.attribute())).map(a -> a.observedAt().equals(last.observedAt())
                        && a.source().equals(last.source())).orElse(false));
    }

    @Test
    void onlyTheAttributesTheRemovedPluginAlonePublishedAreMarked() {
        CityStateComponent city = new CityStateComponent(bus, RUNTIME);
        publish(city, reading(BIN, "fillingLevel", Value.of(0.9), 0, "mqtt:bin-1"),
                reading(BIN, "full", Value.of(true), 1, "nl.regie.waste"),
                reading(ROUTE, "stops", Value.of(4), 2, "nl.regie.waste"),
                reading(ALERT, "severity", Value.of("high"), 3, "nl.regie.waste"),
                reading(BIN, "temperature", Value.of(20), 4, "nl.other.plugin"));

        city.pluginRemoved("nl.regie.waste");

        assertEquals(Set.of("full"), city.staleAttributes(BIN), "the device's and the other plugin's values are not");
        assertEquals(Set.of("stops"), city.staleAttributes(ROUTE));
        assertEquals(Set.of(), city.staleAttributes(ALERT), "alerts are resolved by the alert service, not stale");
        assertEquals(Value.of(true), city.entity(BIN).orElseThrow().attribute("full").orElseThrow().value(),
                "the last value stays");
        assertEquals(Set.of("nl.regie.waste"), city.removedPlugins());
        assertEquals(List.of(), log.messages("warn"));
        city.deactivate();
    }

    @Test
    void aNewReadingOfTheAttributeClearsItsMarkAndNoOther() {
        CityStateComponent city = new CityStateComponent(bus, RUNTIME);
        publish(city, reading(ROUTE, "stops", Value.of(4), 0, "nl.regie.waste"),
                reading(ROUTE, "length", Value.of(1200), 1, "nl.regie.waste"));
        city.pluginRemoved("nl.regie.waste");
        assertEquals(Set.of("stops", "length"), city.staleAttributes(ROUTE));

        city.pluginInstalled("nl.regie.waste");
        assertEquals(Set.of("stops", "length"), city.staleAttributes(ROUTE), "installing it again says nothing yet");
        publish(city, reading(ROUTE, "stops", Value.of(5), 10, "nl.regie.waste"));

        assertEquals(Set.of("length"), city.staleAttributes(ROUTE));
        city.deactivate();
    }

    @Test
    void theMarksSurviveACrashAndACleanRestart() {
        CityStateComponent before = open();
        publish(before, reading(BIN, "fillingLevel", Value.of(0.9), 0, "mqtt:bin-1"),
                reading(BIN, "full", Value.of(true), 1, "nl.regie.waste"),
                reading(ROUTE, "stops", Value.of(4), 2, "nl.regie.waste"));
        before.pluginRemoved("nl.regie.waste");
        publish(before, reading(ROUTE, "stops", Value.of(6), 20, "nl.regie.route2"));
        // Not deactivated: killed. The journal has the readings, the mark and the reading that cleared one.

        CityStateComponent afterCrash = open();
        assertEquals(Set.of("full"), afterCrash.staleAttributes(BIN));
        assertEquals(Set.of(), afterCrash.staleAttributes(ROUTE), "the reading after the mark cleared it");
        afterCrash.deactivate(); // a clean stop: a snapshot with the marks

        CityStateComponent afterStop = open();
        assertEquals(Set.of("full"), afterStop.staleAttributes(BIN));
        assertEquals(before.all(), afterStop.all());
        publish(afterStop, reading(BIN, "full", Value.of(false), 30, "nl.regie.waste"));
        assertEquals(Set.of(), afterStop.staleAttributes(BIN));
        afterStop.deactivate();
        before.deactivate();
    }
}
