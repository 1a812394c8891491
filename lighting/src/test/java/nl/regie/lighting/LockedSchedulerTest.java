package nl.regie.lighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LockedSchedulerTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(LightingComponent.SYMBOLIC_NAME);
    private final Object lock = new Object();
    private final Streetlights manual = new Streetlights(kit);
    private final LockedScheduler scheduler = new LockedScheduler(manual.scheduler(), lock);
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void closeKit() {
        kit.close();
    }

    @Test
    void aTaskRunsOnTheUnderlyingSchedulerHoldingTheLock() {
        scheduler.execute(() -> ran.add("now, locked: " + Thread.holdsLock(lock)));
        assertEquals(List.of(), ran, "not in the caller's call");
        manual.runReady();
        assertEquals(List.of("now, locked: true"), ran);
        assertFalse(Thread.holdsLock(lock), "released after the task");
    }

    @Test
    void aScheduledTaskKeepsItsDelayAndHoldsTheLock() {
        scheduler.schedule(() -> ran.add("later, locked: " + Thread.holdsLock(lock)), Duration.ofSeconds(2));
        manual.advance(Duration.ofMillis(1999));
        assertEquals(List.of(), ran);
        manual.advance(Duration.ofMillis(1));
        assertEquals(List.of("later, locked: true"), ran);
    }
}
