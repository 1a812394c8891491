package nl.regie.runtime.core.actuation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandRouterTest {

    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-1");

    private final AtomicLong serviceIds = new AtomicLong();
    private final DriverRegistry drivers = new DriverRegistry();
    private final ExecutorService driverExecutor = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
    private final CommandRouter router = new CommandRouter(drivers, new CommandTracker(100), driverExecutor, deadlines,
            Clock.systemUTC());
    private final CountDownLatch neverReleased = new CountDownLatch(1);

    @AfterEach
    void stop() {
        neverReleased.countDown();
        driverExecutor.shutdownNow();
        deadlines.shutdownNow();
    }

    private void register(int ranking, ActuationDriver driver) {
        drivers.add(new DriverRegistry.Entry(driver, serviceIds.incrementAndGet(), ranking, List.of("Streetlight")));
    }

    private static Command dim(String id, Duration timeout) {
        return new Command(id, LAMP, "dim", Map.of("level", Value.of(0.3)), Instant.now().plus(timeout));
    }

    private static CommandResult await(CompletionStage<CommandResult> stage) throws Exception {
        return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void noDriverMeansRejectedAtOnce() throws Exception {
        CommandResult result = await(router.send(dim("c1", Duration.ofSeconds(5))));
        assertEquals(CommandState.REJECTED, result.state());
        assertTrue(result.reason().contains("no actuation driver for entity type Streetlight"), result.reason());
        assertEquals(CommandState.REJECTED, router.status("c1").orElseThrow().state());
    }

    @Test
    void theDriversResultEndsTheCommand() throws Exception {
        register(0, c -> CompletableFuture.completedFuture(CommandResult.completed(c.id())));
        assertEquals(CommandState.COMPLETED, await(router.send(dim("c1", Duration.ofSeconds(5)))).state());
        assertEquals(CommandState.COMPLETED, router.status("c1").orElseThrow().state());
    }

    @Test
    void aDriverThatNeverAnswersEndsExpiredAtTheDeadline() throws Exception {
        register(0, c -> new CompletableFuture<>());
        CompletionStage<CommandResult> stage = router.send(dim("c1", Duration.ofMillis(200)));
        assertEquals(CommandState.ACCEPTED, router.status("c1").orElseThrow().state());
        CommandResult result = await(stage);
        assertEquals(CommandState.EXPIRED, result.state());
        assertTrue(result.reason().contains("deadline"), result.reason());
    }

    @Test
    void aBlockingDriverCannotBlockTheSender() throws Exception {
        register(0, c -> {
            try {
                neverReleased.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(CommandResult.completed(c.id()));
        });
        CompletionStage<CommandResult> stage = router.send(dim("c1", Duration.ofMillis(200)));
        assertEquals(CommandState.EXPIRED, await(stage).state());
    }

    @Test
    void aThrowingDriverEndsTheCommandFailed() throws Exception {
        register(0, c -> {
            throw new IllegalStateException("lamp controller unreachable");
        });
        CommandResult result = await(router.send(dim("c1", Duration.ofSeconds(5))));
        assertEquals(CommandState.FAILED, result.state());
        assertTrue(result.reason().contains("lamp controller unreachable"), result.reason());
    }

    @Test
    void aDriverAnsweringWithANonFinalStateEndsTheCommandFailed() throws Exception {
        register(0, c -> CompletableFuture.completedFuture(CommandResult.of(c.id(), CommandState.ACCEPTED, "")));
        assertEquals(CommandState.FAILED, await(router.send(dim("c1", Duration.ofSeconds(5)))).state());
    }

    @Test
    void aLateResultIsIgnored() throws Exception {
        CompletableFuture<CommandResult> late = new CompletableFuture<>();
        register(0, c -> late);
        CommandResult result = await(router.send(dim("c1", Duration.ofMillis(100))));
        late.complete(CommandResult.completed("c1"));
        assertEquals(CommandState.EXPIRED, result.state());
        assertEquals(CommandState.EXPIRED, router.status("c1").orElseThrow().state());
    }

    @Test
    void aPassedDeadlineExpiresAtOnce() throws Exception {
        register(0, c -> CompletableFuture.completedFuture(CommandResult.completed(c.id())));
        assertEquals(CommandState.EXPIRED, await(router.send(dim("c1", Duration.ofSeconds(-1)))).state());
    }

    @Test
    void theHighestRankedDriverWins() throws Exception {
        register(0, c -> CompletableFuture.completedFuture(CommandResult.rejected(c.id(), "low")));
        register(10, c -> CompletableFuture.completedFuture(CommandResult.completed(c.id())));
        assertEquals(CommandState.COMPLETED, await(router.send(dim("c1", Duration.ofSeconds(5)))).state());
    }

    @Test
    void aSecondCommandWithTheIdOfOneInProgressIsRefused() {
        register(0, c -> new CompletableFuture<>());
        router.send(dim("c1", Duration.ofSeconds(5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> router.send(dim("c1", Duration.ofSeconds(5))));
        assertTrue(e.getMessage().contains("c1 is already in progress"), e.getMessage());
    }

    @Test
    void stoppingFailsEveryCommandInProgress() throws Exception {
        register(0, c -> new CompletableFuture<>());
        CompletionStage<CommandResult> stage = router.send(dim("c1", Duration.ofSeconds(30)));
        router.failAll("stopping");
        assertEquals(CommandState.FAILED, await(stage).state());
    }

    @Test
    void malformedDriverPropertiesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DriverRegistry.entityTypes(null));
        assertThrows(IllegalArgumentException.class, () -> DriverRegistry.entityTypes(new String[] {" "}));
        assertThrows(IllegalArgumentException.class, () -> DriverRegistry.entityTypes(42));
        assertEquals(List.of("A", "B"), DriverRegistry.entityTypes(new String[] {"A", "B"}));
    }

    @Test
    void countsCommandsByOutcome() throws Exception {
        await(router.send(dim("refused", Duration.ofSeconds(5))));
        register(0, c -> c.id().startsWith("ok") ? CompletableFuture.completedFuture(CommandResult.completed(c.id()))
                : new CompletableFuture<>());
        await(router.send(dim("ok-1", Duration.ofSeconds(5))));
        await(router.send(dim("ok-2", Duration.ofSeconds(5))));
        router.send(dim("pending", Duration.ofSeconds(30)));
        Map<CommandState, Long> counts = router.counts();
        assertEquals(Map.of(CommandState.ACCEPTED, 1L, CommandState.COMPLETED, 2L, CommandState.REJECTED, 1L,
                CommandState.FAILED, 0L, CommandState.EXPIRED, 0L), counts);
    }
}
