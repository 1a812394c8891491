package nl.regie.lighting;

import static nl.regie.api.actuation.CommandState.COMPLETED;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;

import nl.regie.api.actuation.CommandResult;
import nl.regie.api.model.EntityId;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a lamp gets a command: target changes, first sight, the mismatch grace (event time). */
class LampCommandsTest {

    private static final Instant T0 = Instant.parse("2026-12-03T17:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(30);

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);

    @AfterEach
    void closeKit() {
        kit.close();
    }

    private final Streetlights actuation = new Streetlights(kit);
    private final LampCommands commands = commands(limits(100));
    private final Lamp lamp = lamp("lamp-001");

    @Test
    void onFirstSightALampThatShowsTheTargetIsAdoptedWithoutACommand() {
        lamp.reported = 0.31;
        commands.retarget(lamp, 0.3);
        assertEquals(0.3, lamp.commanded);
        assertEquals(0, actuation.sent().size(), "within the tolerance of 0.02");
    }

    @Test
    void onFirstSightALampThatShowsAnotherLevelGetsTheTarget() {
        lamp.reported = 0.33;
        commands.retarget(lamp, 0.3);
        assertEquals(0.3, lamp.commanded);
        assertEquals(1, actuation.sent().size());
        assertEquals(0.3, actuation.last().level());
    }

    @Test
    void anUnchangedTargetIsNotSentAgainEvenIfTheLampDisagrees() {
        lamp.reported = 1.0;
        commands.retarget(lamp, 0.3);
        complete();
        commands.retarget(lamp, 0.3);
        assertEquals(1, actuation.sent().size(), "the mismatch grace deals with a disagreeing lamp");
    }

    @Test
    void aNewTargetTheLampAlreadyShowsIsRecordedWithoutACommand() {
        lamp.reported = 1.0;
        lamp.commanded = 0.3;
        commands.retarget(lamp, 1.0);
        assertEquals(1.0, lamp.commanded);
        assertEquals(0, actuation.sent().size());
    }

    @Test
    void aNewTargetReplacesACommandUnderWayEvenIfTheLampShowsIt() {
        lamp.reported = 1.0;
        commands.retarget(lamp, 0.3);
        commands.retarget(lamp, 1.0);
        assertEquals(2, actuation.sent().size(), "else the late outcome of 0.3 would leave the lamp dimmed");
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void aNewTargetRestartsTheMismatchClock() {
        lamp.reported = 1.0;
        lamp.commanded = 0.3;
        lamp.mismatchSince = T0;
        commands.retarget(lamp, 0.5);
        assertNull(lamp.mismatchSince);
    }

    @Test
    void aLampThatDisagreesForTheGraceGetsItsTargetAgain() {
        lamp.reported = 1.0;
        lamp.commanded = 0.3;
        commands.checkMismatch(lamp, T0);
        commands.checkMismatch(lamp, T0.plus(GRACE).minusSeconds(1));
        assertEquals(0, actuation.sent().size());
        commands.checkMismatch(lamp, T0.plus(GRACE));
        assertEquals(1, actuation.sent().size());
        assertEquals(0.3, actuation.last().level());
        assertNull(lamp.mismatchSince, "the clock starts again after a resend");
    }

    @Test
    void anAgreeingReportStopsTheMismatchClock() {
        lamp.reported = 1.0;
        lamp.commanded = 0.3;
        commands.checkMismatch(lamp, T0);
        lamp.reported = 0.3;
        commands.checkMismatch(lamp, T0.plus(Duration.ofMinutes(20)));
        lamp.reported = 1.0;
        commands.checkMismatch(lamp, T0.plus(Duration.ofMinutes(25)));
        commands.checkMismatch(lamp, T0.plus(Duration.ofMinutes(54)));
        assertEquals(0, actuation.sent().size(), "29 minutes since it disagreed again");
        commands.checkMismatch(lamp, T0.plus(Duration.ofMinutes(55)));
        assertEquals(1, actuation.sent().size());
    }

    @Test
    void aDisagreementWhileACommandIsUnderWayIsNotCounted() {
        lamp.reported = 1.0;
        commands.retarget(lamp, 0.3);
        commands.checkMismatch(lamp, T0);
        commands.checkMismatch(lamp, T0.plus(GRACE));
        assertEquals(1, actuation.sent().size());
        assertNull(lamp.mismatchSince);
    }

    @Test
    void aLampNeverCommandedHasNoMismatch() {
        lamp.reported = 1.0;
        commands.checkMismatch(lamp, T0);
        commands.checkMismatch(lamp, T0.plus(GRACE));
        assertEquals(0, actuation.sent().size());
    }

    @Test
    void aCarriedOutCommandIsWhatTheLampShowsUntilItsNextReport() {
        lamp.reported = 1.0;
        lamp.commanded = 0.3;
        lamp.mismatchSince = T0;
        commands.carriedOut(lamp, 0.3);
        assertEquals(0.3, lamp.reported);
        assertNull(lamp.mismatchSince);
    }

    @Test
    void aNewGraceAndNewLimitsApply() {
        LampCommands bounded = commands(limits(1));
        Lamp other = lamp("lamp-002");
        lamp.reported = 1.0;
        other.reported = 1.0;
        bounded.retarget(lamp, 0.3);
        bounded.retarget(other, 0.3);
        assertEquals(1, bounded.inFlight());
        assertEquals(1, bounded.waiting());
        bounded.configure(Duration.ofMinutes(5), limits(2));
        assertEquals(2, bounded.inFlight(), "the larger bound sends the waiting one at once");
        assertEquals(0, bounded.waiting());

        complete();
        other.reported = 1.0;
        bounded.checkMismatch(other, T0);
        bounded.checkMismatch(other, T0.plus(Duration.ofMinutes(5)));
        assertEquals(3, actuation.sent().size(), "five minutes is the grace now");
    }

    /** Commands over the test kit's actuation; their outcomes are the engine's business, not these tests'. */
    private LampCommands commands(CommandQueue.Limits limits) {
        return new LampCommands(new CommandQueue(kit.actuation(), actuation.scheduler(), kit.clock(),
                new CommandQueue.Outcomes() {
                    @Override
                    public void completed(EntityId id, double level) {
                    }

                    @Override
                    public void gaveUp(EntityId id, double level, CommandResult last, int attempts) {
                    }
                }, limits), GRACE);
    }

    private void complete() {
        actuation.pending().forEach(sent -> sent.complete(COMPLETED));
        actuation.runReady();
    }

    private static CommandQueue.Limits limits(int maxInFlight) {
        return new CommandQueue.Limits(maxInFlight, 3, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    private static Lamp lamp(String id) {
        return new Lamp(EntityId.of("Streetlight", id));
    }
}
