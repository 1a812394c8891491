package nl.regie.runtime.core.state;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The city state kept in a state folder, on a real bus: what a restart after a crash or a clean stop brings back. */
class CityStateFilesTest {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime.core", "0.1.0", 1);
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final EntityId BIN = EntityId.of("WasteContainer", "bin-1");

    @TempDir
    Path state;

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());

    @AfterEach
    void close() {
        bus.close();
    }

    private static Reading reading(EntityId entity, String attribute, double value, Instant observed, String source) {
        return new Reading(entity, attribute, Value.of(value), "/", observed, observed.plusSeconds(1), source,
                Location.of(4.9, 52.37));
    }

    private CityStateComponent open() {
        return new CityStateComponent(bus, RUNTIME, state.resolve("city"), log.logger());
    }

    @Test
    void everyEntityComesBackAfterACrashAndNothingIsRepublished() {
        CityStateComponent before = open();
        for (int i = 0; i < 500; i++) {
            bus.publish("mqtt:bin-" + i, reading(EntityId.of("WasteContainer", "bin-" + i), "fillingLevel", i / 500.0,
                    T0.plusSeconds(i), "mqtt:bin-" + i));
        }
        bus.publish("mqtt:lamp", new Reading(EntityId.of("Streetlight", "lamp-1"), "powerState", Value.of("on"), "",
                T0, T0, "mqtt:lamp", null));
        await().atMost(Duration.ofSeconds(10)).until(() -> before.size() == 501);
        // Not deactivated: the process was killed. The journal was written as each reading was applied.

        Queue<Reading> delivered = new ConcurrentLinkedQueue<>();
        bus.subscribe(new Owner("a.plugin", "1.0.0", 50), List.of("#"), delivered::add);
        CityStateComponent after = open();

        assertEquals(501, after.size());
        assertEquals(before.all(), after.all());
        Reading fresh = reading(BIN, "temperature", 21, T0.plusSeconds(900), "mqtt:bin-1");
        bus.publish("mqtt:bin-1", fresh);
        await().atMost(Duration.ofSeconds(10)).until(() -> !delivered.isEmpty());
        assertEquals(List.of(fresh), List.copyOf(delivered), "restored readings are not published again");
        assertTrue(log.messages("info").stream().anyMatch(m -> m.contains("City state restored from")
                && m.contains("501 entities")), log.entries().toString());
        after.deactivate();
        before.deactivate();
    }

    @Test
    void theTimeRulesHoldAcrossARestart() {
        CityStateComponent before = open();
        bus.publish("a", reading(BIN, "fillingLevel", 0.8, T0.plusSeconds(600), "mqtt:bin-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> before.entity(BIN).isPresent());
        before.deactivate();

        CityStateComponent after = open();
        // Another source's older reading does not roll the restored value back...
        bus.publish("b", reading(BIN, "fillingLevel", 0.1, T0.plusSeconds(60), "nl.other.plugin"));
        // ...but the restored value's own source replaces it, whatever its date.
        bus.publish("a", reading(BIN, "temperature", 20, T0, "mqtt:bin-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.entity(BIN).orElseThrow().attribute("temperature")
                .isPresent());
        assertEquals(Value.of(0.8), after.entity(BIN).orElseThrow().attribute("fillingLevel").orElseThrow().value());
        bus.publish("a", reading(BIN, "fillingLevel", 0.5, T0.plusSeconds(30), "mqtt:bin-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.entity(BIN).orElseThrow().attribute("fillingLevel")
                .orElseThrow().value().equals(Value.of(0.5)));
        after.deactivate();
    }

    @Test
    void aCleanStopLeavesASnapshotThatLoadsWithoutAJournal() throws IOException {
        CityStateComponent before = open();
        bus.publish("a", reading(BIN, "fillingLevel", 0.3, T0, "mqtt:bin-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> before.size() == 1);
        before.deactivate();
        CityStateComponent after = open();
        assertEquals(before.all(), after.all());
        assertTrue(log.messages("info").stream().anyMatch(m -> m.contains("1 from snapshot") && m.contains(
                "0 journal records")), log.entries().toString());
        after.deactivate();
        try (Stream<Path> files = Files.list(state.resolve("city"))) {
            assertEquals(2, files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).count());
        }
    }

    @Test
    void aDamagedNewestSnapshotIsRefusedLoudlyAndTheStateComesBackFromThePreviousOne() throws IOException {
        CityStateComponent before = open();
        bus.publish("a", reading(BIN, "fillingLevel", 0.3, T0, "mqtt:bin-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> before.size() == 1);
        before.deactivate();
        Path newest;
        try (Stream<Path> files = Files.list(state.resolve("city"))) {
            newest = files.filter(f -> f.getFileName().toString().matches("snapshot-\\d+\\.bin")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        Files.write(newest, new byte[0]);
        CityStateComponent after = open();
        assertEquals(before.all(), after.all());
        assertTrue(log.messages("error").stream().anyMatch(m -> m.contains(newest + ": the file is empty")
                && m.contains("Using the previous snapshot")), log.entries().toString());
        after.deactivate();
    }

    @Test
    void aFolderThatCannotBeMadeIsNamedAndTheCityStateRunsInMemory() throws IOException {
        Files.writeString(state.resolve("city"), "a file where the folder should be");
        CityStateComponent city = open();
        bus.publish("a", reading(BIN, "fillingLevel", 0.3, T0, "mqtt:bin-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> city.size() == 1);
        assertTrue(log.messages("error").stream().anyMatch(m -> m.startsWith("The city state cannot be kept in "
                + state.resolve("city")) && m.contains("kept in memory only")), log.entries().toString());
        city.deactivate();
    }
}
