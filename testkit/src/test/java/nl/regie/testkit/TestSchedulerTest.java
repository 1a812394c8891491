package nl.regie.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plugin's scheduler runs on the test clock, on the test's thread, in order of time. */
class TestSchedulerTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin("com.example.kittest");
    private final TestScheduler scheduler = kit.scheduler();
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void close() {
        kit.close();
    }

    @Test
    void executeRunsAtTheNextRunDueNotAtOnceAndWhatItAddsForNowRunsToo() {
        Thread test = Thread.currentThread();
        scheduler.execute(() -> {
            ran.add("first on " + (Thread.currentThread() == test ? "the test's thread" : "another thread"));
            scheduler.execute(() -> ran.add("added by the first"));
        });
        assertEquals(List.of(), ran, "not at once: the plugin's callers do not run its work inline");
        assertEquals(2, scheduler.runDue());
        assertEquals(List.of("first on the test's thread", "added by the first"), ran);
        assertEquals(0, scheduler.runDue());
    }

    @Test
    void delayedTasksRunWhenTheClockPassesThemInOrderOfTimeThenOfSubmission() {
        Instant start = kit.clock().instant();
        scheduler.schedule(() -> ran.add("b at " + seconds(start)), 20, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("a at " + seconds(start)), 10, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("c at " + seconds(start)), 20, TimeUnit.SECONDS);
        assertEquals(0, scheduler.runDue());

        kit.clock().advance(Duration.ofSeconds(15));
        assertEquals(List.of("a at 10"), ran, "the clock reads the task's time while it runs");
        assertEquals(start.plusSeconds(15), kit.clock().instant());

        kit.clock().advance(Duration.ofSeconds(5));
        assertEquals(List.of("a at 10", "b at 20", "c at 20"), ran);
        assertEquals(0, scheduler.queued());
    }

    @Test
    void periodicTasksRepeatUntilCancelled() {
        Instant start = kit.clock().instant();
        ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(() -> ran.add("rate " + seconds(start)), 0, 10,
                TimeUnit.SECONDS);
        ScheduledFuture<?> delay = scheduler.scheduleWithFixedDelay(() -> ran.add("delay " + seconds(start)), 5, 15,
                TimeUnit.SECONDS);
        scheduler.runDue();
        kit.clock().advance(Duration.ofSeconds(30));
        assertEquals(List.of("rate 0", "delay 5", "rate 10", "delay 20", "rate 20", "rate 30"), ran);

        assertTrue(rate.cancel(false));
        assertTrue(delay.cancel(false));
        kit.clock().advance(Duration.ofMinutes(5));
        assertEquals(6, ran.size(), "cancelled: nothing more");
        assertThrows(IllegalArgumentException.class, () -> scheduler.scheduleAtFixedRate(() -> { }, 0, 0, TimeUnit.SECONDS));
    }

    @Test
    void aCancelledTaskNeverRunsAndAFailedOneSaysWhy() throws Exception {
        ScheduledFuture<?> cancelled = scheduler.schedule(() -> ran.add("never"), 1, TimeUnit.SECONDS);
        ScheduledFuture<?> failing = scheduler.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 2, TimeUnit.SECONDS);
        ScheduledFuture<?> fine = scheduler.schedule(() -> ran.add("fine"), 2, TimeUnit.SECONDS);
        assertTrue(cancelled.cancel(false));
        IllegalStateException notYet = assertThrows(IllegalStateException.class, fine::get);
        assertTrue(notYet.getMessage().contains("move the test clock"), notYet.getMessage());

        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> kit.clock().advance(Duration.ofSeconds(5)));
        assertEquals("boom", thrown.getMessage(), "a failing task fails the test where it runs");
        ExecutionException failure = assertThrows(ExecutionException.class, failing::get);
        assertEquals("boom", failure.getCause().getMessage());

        kit.clock().advance(Duration.ofSeconds(1));
        assertEquals(List.of("fine"), ran);
        assertTrue(cancelled.isCancelled());
        assertFalse(fine.isCancelled());
        fine.get();
    }

    @Test
    void aCallableGivesItsResult() throws Exception {
        ScheduledFuture<String> answer = scheduler.schedule(() -> "42", 1, TimeUnit.SECONDS);
        kit.clock().advance(Duration.ofSeconds(1));
        assertEquals("42", answer.get());
    }

    @Test
    void aShutDownSchedulerTakesNothingMoreAndShutdownNowDropsWhatWaits() {
        scheduler.schedule(() -> ran.add("dropped"), 1, TimeUnit.SECONDS);
        assertEquals(1, scheduler.shutdownNow().size());
        assertThrows(RejectedExecutionException.class, () -> scheduler.execute(() -> ran.add("late")));
        kit.clock().advance(Duration.ofSeconds(2));
        assertEquals(List.of(), ran);
        assertTrue(scheduler.isShutdown());
    }

    private String seconds(Instant start) {
        return String.valueOf(Duration.between(start, kit.clock().instant()).toSeconds());
    }
}
