package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

/** The core's intake of forwarded packs: once each, in each device's order, with a clock of the test's own. */
class EdgeIntakeTest {

    private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");
    private static final long MS = 1_000_000L;

    private final EdgeWire wire = new EdgeWire("demo");
    private final RecordingLogger log = new RecordingLogger();
    private final List<String> passed = new ArrayList<>();

    private EdgeIntake intake(Duration hold) {
        return new EdgeIntake(wire, 1000, hold, 1000, pack -> passed.add(pack.device() + "@" + pack.readings().get(0)
                .value().asObject()), log.logger());
    }

    /** Device {@code d}'s pack number {@code n}, observed n seconds after T. */
    private byte[] pack(String device, int n) {
        Reading reading = new Reading(EntityId.of("WasteContainer", device), "fillingLevel", new Value.Number(n), "/",
                T.plusSeconds(n), T.plusSeconds(n), device, null);
        return wire.encode(EdgeForwarder.packId(device, ("pack " + n).getBytes(StandardCharsets.UTF_8)),
                new Reading[] {reading});
    }

    private void offer(EdgeIntake intake, String device, int n, long atMillis) {
        intake.onMessage(wire.topic(device), pack(device, n), atMillis * MS);
    }

    @Test
    void aDevicesLaterPackHeardFirstWaitsForTheEarlierOneWithinTheHold() {
        EdgeIntake intake = intake(Duration.ofMillis(100));
        offer(intake, "bin-1", 2, 0);
        offer(intake, "bin-2", 1, 10);
        offer(intake, "bin-1", 1, 40);
        intake.release(50);
        assertEquals(List.of(), passed, "nothing waited its hold yet");

        intake.release(100 * MS);
        assertEquals(List.of("bin-1@1.0", "bin-1@2.0"), passed, "bin-1's first pack goes first, then the one held");

        intake.release(110 * MS);
        assertEquals(List.of("bin-1@1.0", "bin-1@2.0", "bin-2@1.0"), passed);
        assertEquals(new EdgeIntake.Counts(3, 3, 0, 0, 0, 0), intake.counts());
    }

    @Test
    void aPackLaterThanTheHoldIsPassedOnAtOnceAndCountedLateNeverDropped() {
        EdgeIntake intake = intake(Duration.ofMillis(100));
        offer(intake, "bin-1", 2, 0);
        intake.release(100 * MS);
        offer(intake, "bin-1", 1, 5_000);

        assertEquals(List.of("bin-1@2.0", "bin-1@1.0"), passed);
        assertEquals(1, intake.counts().late());
    }

    @Test
    void aSecondCopyOfAPackIsDroppedAndCounted() {
        EdgeIntake intake = intake(Duration.ZERO);
        offer(intake, "bin-1", 1, 0);
        offer(intake, "bin-1", 1, 1);
        offer(intake, "bin-1", 2, 2);

        assertEquals(List.of("bin-1@1.0", "bin-1@2.0"), passed, "no hold: passed on as heard, the copy dropped");
        assertEquals(new EdgeIntake.Counts(2, 2, 1, 0, 0, 0), intake.counts());
    }

    @Test
    void theDeduplicationWindowIsBounded() {
        EdgeIntake intake = new EdgeIntake(wire, 2, Duration.ZERO, 1000, pack -> passed.add(pack.pack()), log.logger());
        offer(intake, "bin-1", 1, 0);
        offer(intake, "bin-1", 2, 0);
        offer(intake, "bin-1", 3, 0);
        offer(intake, "bin-1", 1, 0);
        assertEquals(4, passed.size(), "the first id was forgotten after two more: its copy passes as late");
        assertEquals(1, intake.counts().late());
    }

    @Test
    void aMalformedPackIsCountedLoggedOnceAMinuteAndChangesNothing() {
        EdgeIntake intake = intake(Duration.ZERO);
        intake.onMessage("regie/v1/demo/edge/bin-1", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), 0);
        intake.onMessage("regie/v1/demo/edge/bin-1", "nonsense".getBytes(StandardCharsets.UTF_8), 1);
        offer(intake, "bin-1", 1, 2);

        assertEquals(List.of("bin-1@1.0"), passed);
        assertEquals(2, intake.counts().malformed());
        List<String> warnings = log.messages("warn");
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("has no 'pack'"), warnings::toString);
    }

    @Test
    void releaseAllPassesOnWhatIsHeldInEachDevicesOrder() {
        EdgeIntake intake = intake(Duration.ofSeconds(10));
        offer(intake, "bin-1", 3, 0);
        offer(intake, "bin-1", 1, 1);
        offer(intake, "bin-1", 2, 2);
        assertEquals(3, intake.counts().held());
        intake.releaseAll();
        assertEquals(List.of("bin-1@1.0", "bin-1@2.0", "bin-1@3.0"), passed);
        assertEquals(0, intake.counts().held());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new EdgeIntake(wire, 0, Duration.ZERO, 1, p -> { }, log.logger()));
        assertThrows(IllegalArgumentException.class,
                () -> new EdgeIntake(wire, 1, Duration.ofMillis(-1), 1, p -> { }, log.logger()));
    }
}
