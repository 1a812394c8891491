package nl.regie.lighting;

import static nl.regie.api.actuation.CommandState.COMPLETED;
import static nl.regie.api.actuation.CommandState.EXPIRED;
import static nl.regie.api.actuation.CommandState.FAILED;
import static nl.regie.api.actuation.CommandState.REJECTED;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.model.EntityId;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandQueueTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);

    @AfterEach
    void closeKit() {
        kit.close();
    }

    private final Streetlights actuation = new Streetlights(kit);
    private final List<String> outcomes = new ArrayList<>();
    private final CommandQueue.Outcomes recorder = new CommandQueue.Outcomes() {
        @Override
        public void completed(EntityId lamp, double level) {
            outcomes.add("completed " + lamp.localId() + " " + level);
        }

        @Override
        public void gaveUp(EntityId lamp, double level, CommandResult last, int attempts) {
            outcomes.add("gave up " + lamp.localId() + " " + level + " after " + attempts + ": " + last.state());
        }
    };
    private CommandQueue queue = queue(new CommandQueue.Limits(100, 3, Duration.ofSeconds(1), Duration.ofSeconds(30)));

    @Test
    void sendsADimCommandWithLevelAndDeadline() {
        Instant sentAt = actuation.now();
        queue.submit(lamp(1), 0.3);
        Command command = actuation.last().command();
        assertEquals("dim", command.action());
        assertEquals(lamp(1), command.target());
        assertEquals(0.3, actuation.last().level());
        assertEquals(sentAt.plusSeconds(30), command.deadline(), "on the wall clock (the kit's)");
    }

    @Test
    void boundsTheCommandsInFlightAndQueuesTheRest() {
        for (int i = 1; i <= 4_000; i++) {
            queue.submit(lamp(i), 0.3);
        }
        assertEquals(100, actuation.sent().size());
        assertEquals(100, queue.inFlight());
        assertEquals(3_900, queue.waiting());

        List<Streetlights.Sent> first = actuation.drain();
        first.subList(0, 10).forEach(sent -> sent.complete(COMPLETED));
        actuation.runReady();
        assertEquals(10, actuation.sent().size(), "each completion frees one place");
        assertEquals(100, queue.inFlight());
        assertEquals(3_890, queue.waiting());
        assertEquals("lamp-0101", actuation.sent().get(0).lamp(), "first come, first served");
    }

    @Test
    void drainsAProfileChangeOverManyLampsCompletely() {
        for (int i = 1; i <= 1_000; i++) {
            queue.submit(lamp(i), 0.3);
        }
        int sent = 0;
        while (!actuation.pending().isEmpty()) {
            List<Streetlights.Sent> batch = actuation.drain();
            assertTrue(batch.size() <= 100);
            sent += batch.size();
            batch.forEach(s -> s.complete(COMPLETED));
            actuation.runReady();
        }
        assertEquals(1_000, sent);
        assertEquals(0, queue.inFlight());
        assertEquals(0, queue.waiting());
    }

    @Test
    void retriesWithDoublingBackoffThenGivesUp() {
        queue.submit(lamp(1), 0.3);
        actuation.last().complete(REJECTED);
        actuation.runReady();
        assertEquals(1, actuation.sent().size(), "no retry before the backoff");
        assertTrue(queue.busy(lamp(1)));
        assertEquals(0, queue.inFlight(), "a lamp waiting for a retry holds no place");

        actuation.advance(Duration.ofSeconds(1));
        assertEquals(2, actuation.sent().size(), "first retry after 1 s");
        actuation.last().complete(FAILED);
        actuation.runReady();
        actuation.advance(Duration.ofMillis(1_999));
        assertEquals(2, actuation.sent().size());
        actuation.advance(Duration.ofMillis(1));
        assertEquals(3, actuation.sent().size(), "second retry after 2 s more");
        actuation.last().complete(EXPIRED);
        actuation.runReady();
        actuation.advance(Duration.ofSeconds(4));
        assertEquals(4, actuation.sent().size(), "third retry after 4 s more");
        assertTrue(outcomes.isEmpty());

        actuation.last().complete(REJECTED);
        actuation.runReady();
        assertEquals(List.of("gave up lamp-0001 0.3 after 4: REJECTED"), outcomes);
        assertFalse(queue.busy(lamp(1)));
        actuation.advance(Duration.ofMinutes(10));
        assertEquals(4, actuation.sent().size(), "nothing more after giving up");
    }

    @Test
    void aRetryThatSucceedsIsACompletion() {
        queue.submit(lamp(1), 1.0);
        actuation.last().complete(FAILED);
        actuation.runReady();
        actuation.advance(Duration.ofSeconds(1));
        actuation.last().complete(COMPLETED);
        actuation.runReady();
        assertEquals(List.of("completed lamp-0001 1.0"), outcomes);
    }

    @Test
    void aNewerLevelGoesOutAtOnceAndTheOlderCommandsOutcomeIsIgnored() {
        queue.submit(lamp(1), 0.3);
        queue.submit(lamp(1), 1.0);
        assertEquals(2, actuation.sent().size(), "no waiting for a late acknowledgement");
        assertEquals(1.0, actuation.last().level());
        assertEquals(2, queue.inFlight(), "the older command holds its place until it ends");

        actuation.sent().get(0).complete(REJECTED);
        actuation.runReady();
        assertEquals(1, queue.inFlight());
        actuation.advance(Duration.ofSeconds(5));
        assertEquals(2, actuation.sent().size(), "a superseded command is not retried");
        assertTrue(outcomes.isEmpty());

        actuation.last().complete(COMPLETED);
        actuation.runReady();
        assertEquals(List.of("completed lamp-0001 1.0"), outcomes);
        assertFalse(queue.busy(lamp(1)));
    }

    @Test
    void aSupersededCommandCountsAgainstTheBoundUntilItEnds() {
        queue = queue(new CommandQueue.Limits(1, 3, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        queue.submit(lamp(1), 0.3);
        queue.submit(lamp(1), 1.0);
        assertEquals(1, actuation.sent().size());
        assertEquals(1, queue.waiting());
        actuation.last().complete(COMPLETED);
        actuation.runReady();
        assertEquals(2, actuation.sent().size());
        assertEquals(1.0, actuation.last().level());
        assertTrue(outcomes.isEmpty(), "the completed 0.3 no longer speaks for the lamp");
    }

    @Test
    void aNewLevelDuringBackoffGoesOutAtOnceAndCancelsTheRetry() {
        queue.submit(lamp(1), 0.3);
        actuation.last().complete(REJECTED);
        actuation.runReady();
        queue.submit(lamp(1), 1.0);
        assertEquals(2, actuation.sent().size());
        assertEquals(1.0, actuation.last().level());
        actuation.last().complete(COMPLETED);
        actuation.runReady();
        actuation.advance(Duration.ofMinutes(1));
        assertEquals(2, actuation.sent().size(), "the old retry does not fire");
    }

    @Test
    void aWaitingLampTakesTheNewestLevel() {
        queue = queue(new CommandQueue.Limits(1, 3, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        queue.submit(lamp(1), 0.3);
        queue.submit(lamp(2), 0.3);
        queue.submit(lamp(2), 1.0);
        assertEquals(1, queue.waiting());
        actuation.last().complete(COMPLETED);
        actuation.runReady();
        assertEquals("lamp-0002", actuation.last().lamp());
        assertEquals(1.0, actuation.last().level());
    }

    @Test
    void outcomesAreHandledOnTheSchedulerEvenWhenTheStageIsAlreadyComplete() {
        // A group is outside lighting's scope: the runtime rejects the command inside send, the stage complete at once.
        queue.submit(EntityId.of("StreetlightGroup", "lampgroup-01"), 0.3);
        assertEquals(1, queue.inFlight(), "not handled inside send");
        actuation.runReady();
        assertEquals(0, queue.inFlight());
    }

    @Test
    void anUnansweredCommandExpiresAfterItsDeadlineAndItsPlaceComesBack() {
        queue = queue(new CommandQueue.Limits(1, 0, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        queue.submit(lamp(1), 0.3);
        queue.submit(lamp(2), 0.3);
        actuation.advance(Duration.ofSeconds(30).plus(CommandQueue.ANSWER_GRACE));
        assertEquals(List.of("gave up lamp-0001 0.3 after 1: EXPIRED"), outcomes);
        assertEquals("lamp-0002", actuation.last().lamp());
        actuation.sent().get(0).complete(COMPLETED);
        actuation.runReady();
        assertEquals(1, outcomes.size(), "a late answer is ignored");
    }

    @Test
    void aRuntimeThatThrowsCountsAsAFailedAttempt() {
        Actuation throwing = new Actuation() {
            @Override
            public CompletionStage<CommandResult> send(Command command) {
                throw new IllegalArgumentException("busy");
            }

            @Override
            public Optional<CommandResult> status(String commandId) {
                return Optional.empty();
            }
        };
        queue = new CommandQueue(throwing, actuation.scheduler(), kit.clock(), recorder,
                new CommandQueue.Limits(10, 0, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        queue.submit(lamp(1), 0.3);
        actuation.runReady();
        assertEquals(List.of("gave up lamp-0001 0.3 after 1: FAILED"), outcomes);
    }

    @Test
    void raisingTheBoundSendsMoreAtOnce() {
        queue = queue(new CommandQueue.Limits(2, 3, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        for (int i = 1; i <= 5; i++) {
            queue.submit(lamp(i), 0.3);
        }
        assertEquals(2, actuation.sent().size());
        queue.limits(new CommandQueue.Limits(4, 3, Duration.ofSeconds(1), Duration.ofSeconds(30)));
        assertEquals(4, actuation.sent().size());
    }

    private CommandQueue queue(CommandQueue.Limits limits) {
        return new CommandQueue(kit.actuation(), actuation.scheduler(), kit.clock(), recorder, limits);
    }

    private static EntityId lamp(int n) {
        return EntityId.of("Streetlight", String.format("lamp-%04d", n));
    }
}
