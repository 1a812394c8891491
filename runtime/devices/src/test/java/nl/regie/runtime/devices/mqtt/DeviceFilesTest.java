package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.statefiles.StateFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The devices the bridge knows, kept in a state folder: after a crash each comes back with its presence, birth,
 * counters and last rejection, nothing is announced on the bus for it, and it goes stale by the usual rule, counted
 * from the restart, if it does not report again.
 */
class DeviceFilesTest extends MessageFixture {

    private static final StateFiles.Log QUIET = (level, message) -> { };

    @TempDir
    Path state;
    @TempDir
    Path killed;

    @Test
    void devicesComeBackWithTheirLastKnownPresenceAndGoStaleByTheUsualRule() throws IOException {
        DeviceBridge before = bridge();
        before.keepIn(state.resolve("devices"), QUIET);
        send(before, PREFIX + "bin-001/state", "{\"online\": true, \"type\": \"WasteContainer\", \"entities\":"
                + " [\"urn:ngsi-ld:WasteContainer:bin-001\"], \"location\": [4.9041, 52.3676], \"interval\": 60}");
        send(before, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"v\":0.5}]");
        send(before, PREFIX + "lamp-2/state", "{\"online\": true, \"type\": \"Streetlight\"}");
        send(before, PREFIX + "lamp-2/state", "{\"online\": false}");
        send(before, PREFIX + "gauge-3/state", "{\"online\": true}");
        send(before, PREFIX + "gauge-3/tele", "not senml");
        clock.advance(Duration.ofSeconds(5));
        before.checkPresence(); // the second's flush: counters and last seen
        List<DeviceSnapshot> was = before.devices();
        copy(state.resolve("devices"), killed.resolve("devices")); // kill -9: the folder as it is now

        readings.clear();
        types.clear();
        clock.advance(Duration.ofMinutes(10)); // the runtime was down for ten minutes
        DeviceBridge after = bridge();
        after.keepIn(killed.resolve("devices"), QUIET);

        assertEquals(was, after.devices(), "every device as it was, counters and last rejection included");
        DeviceSnapshot bin = after.device("bin-001").orElseThrow();
        assertEquals("online", bin.state());
        assertEquals(Location.of(4.9041, 52.3676), bin.location());
        assertEquals(List.of(EntityId.of("WasteContainer", "bin-001")), bin.entities());
        assertEquals("offline", after.device("lamp-2").orElseThrow().state());
        assertNotNull(after.device("gauge-3").orElseThrow().lastRejection());
        assertEquals(List.of(), readings, "nothing announced for restored devices");
        assertTrue(types.containsAll(List.of("WasteContainer", "Streetlight")), "their types have drivers again: "
                + types);

        // Its silence counts from the restart: 60 s x 3 after it, not stale; a moment later, stale.
        clock.advance(Duration.ofSeconds(180));
        after.checkPresence();
        assertEquals("online", after.device("bin-001").orElseThrow().state());
        clock.advance(Duration.ofSeconds(1));
        after.checkPresence();
        assertEquals("stale", after.device("bin-001").orElseThrow().state());
        assertEquals(List.of("stale"), deviceStates("bin-001"));
    }

    @Test
    void aCleanStopKeepsEveryChangeInTheSnapshot() throws IOException {
        DeviceBridge before = bridge();
        before.keepIn(state.resolve("devices"), QUIET);
        send(before, PREFIX + "bin-001/state", "{\"online\": true, \"type\": \"WasteContainer\"}");
        send(before, PREFIX + "bin-001/tele", "[{\"n\":\"urn:ngsi-ld:WasteContainer:bin-001:fillingLevel\",\"v\":0.5}]");
        before.closeFiles(); // no checkPresence since the telemetry: the close writes it
        DeviceBridge after = bridge();
        StateFiles.Recovery recovery = after.keepIn(state.resolve("devices"), QUIET);
        assertEquals(before.devices(), after.devices());
        assertEquals(0, recovery.journalRecords());
        assertEquals(1, after.device("bin-001").orElseThrow().counts().telemetryAccepted());
    }

    /**
     * What a {@code kill -9} leaves, taken from a running store: its snapshots, then its journals (a snapshot never
     * changes once named, a journal only grows), again if a file vanished meanwhile (a snapshot was being written).
     */
    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.sorted(Comparator.comparing((Path p) -> p.getFileName().toString()
                        .startsWith("journal-"))).toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
                return;
            } catch (NoSuchFileException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }
}
