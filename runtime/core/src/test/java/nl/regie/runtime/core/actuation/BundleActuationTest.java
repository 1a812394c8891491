package nl.regie.runtime.core.actuation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BundleActuationTest {

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final TestPolicy policy = new TestPolicy();
    private final ScopeGuards scopes = new ScopeGuards(policy, audit, log.logger(), 1, Clock.systemUTC());
    private final ActuationComponent actuation = new ActuationComponent(log.logger(), audit, scopes);
    private final Owner lighting = new Owner("nl.example.lighting", "2.0.0", 40);
    private final BundleActuation lamps = new BundleActuation(actuation,
            scopes.forPlugin(lighting, DeclaredScope.of(List.of(), List.of(), List.of("Streetlight"))),
            lighting.symbolicName());

    @AfterEach
    void stop() throws InterruptedException {
        actuation.deactivate();
    }

    private static Command dim(String type) {
        return Command.of(EntityId.of(type, "x-1"), "dim", Map.of("level", Value.of(0.3)),
                Instant.now().plusSeconds(10));
    }

    @Test
    void aCommandOnATypeOutsideTheScopeIsRejectedNamingPluginAndTypeAndAudited() throws Exception {
        addDriver(List.of("Streetlight", "WasteContainer"));
        CommandResult result = lamps.send(dim("WasteContainer")).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(CommandState.REJECTED, result.state());
        assertTrue(result.reason().startsWith("plugin nl.example.lighting 2.0.0 may not actuate entity type"
                + " WasteContainer"), result.reason());
        assertEquals(result, lamps.status(result.commandId()).orElseThrow());
        AuditEvent scope = audit.ofKind(AuditEvent.SCOPE).get(0);
        assertEquals(List.of("nl.example.lighting", "dim", "urn:ngsi-ld:WasteContainer:x-1", "denied"),
                List.of(scope.actor(), scope.action(), scope.target(), scope.outcome()));
        await().atMost(Duration.ofSeconds(5)).until(() -> audit.ofKind(AuditEvent.COMMAND).size() == 1);
        AuditEvent command = audit.ofKind(AuditEvent.COMMAND).get(0);
        assertEquals(List.of("nl.example.lighting", "city", "dim", "urn:ngsi-ld:WasteContainer:x-1", "REJECTED",
                result.reason()), List.of(command.actor(), command.party(), command.action(), command.target(),
                command.outcome(), command.detail()));
    }

    @Test
    void aCommandInScopeReachesTheDriverAndItsEndIsAudited() throws Exception {
        addDriver(List.of("Streetlight"));
        CommandResult result = lamps.send(dim("Streetlight")).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(CommandState.COMPLETED, result.state());
        await().atMost(Duration.ofSeconds(5)).until(() -> audit.ofKind(AuditEvent.COMMAND).size() == 1);
        assertEquals("COMPLETED", audit.ofKind(AuditEvent.COMMAND).get(0).outcome());
        assertEquals(List.of(), audit.ofKind(AuditEvent.SCOPE));
    }

    @Test
    void theRuntimeSendsOnBehalfOfAnyActorThroughCommands() throws Exception {
        addDriver(List.of("WasteContainer"));
        CommandResult result = actuation.send("token-contractor", "contractor", dim("WasteContainer"))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(CommandState.COMPLETED, result.state());
        await().atMost(Duration.ofSeconds(5)).until(() -> audit.ofKind(AuditEvent.COMMAND).size() == 1);
        AuditEvent command = audit.ofKind(AuditEvent.COMMAND).get(0);
        assertEquals(List.of("token-contractor", "contractor"), List.of(command.actor(), command.party()));
    }

    /** Adds a driver of the runtime's own. */
    private void addDriver(List<String> types) {
        ActuationDriver driver = command -> CompletableFuture.completedFuture(CommandResult.completed(command.id()));
        assertTrue(actuation.addDriver(driver, 99L, null, types.toArray(String[]::new), "nl.regie.runtime.devices",
                scopes.unrestricted()));
    }

    @Test
    void aPluginsDriverIsUsedOnlyForTypesItDeclaresAndIsGrantedWhateverItsRanking() throws Exception {
        addDriver(List.of("Streetlight"));
        List<String> swallowed = new CopyOnWriteArrayList<>();
        ActuationDriver swallower = command -> {
            swallowed.add(command.action());
            return CompletableFuture.completedFuture(CommandResult.completed(command.id()));
        };
        Owner hostile = new Owner("nl.example.hostile", "1.0.0", 66);
        ScopeGuard undeclared = scopes.forPlugin(hostile, DeclaredScope.NOTHING);
        assertFalse(actuation.addDriver(swallower, 100L, Integer.MAX_VALUE, "Streetlight", "nl.example.hostile 1.0.0",
                undeclared));
        assertTrue(log.messages("warn").stream().anyMatch(w -> w.contains("Ignoring ActuationDriver service 100")
                && w.contains("plugin nl.example.hostile 1.0.0 may not register ActuationDriver service 100 for"
                        + " [Streetlight]: drives Streetlight is not in its declared scope")), log.entries().toString());

        ScopeGuard declared = scopes.forPlugin(hostile, DeclaredScope.of(List.of(), List.of(), List.of(),
                Map.of("drives", List.of("Streetlight"))));
        assertFalse(actuation.addDriver(swallower, 101L, Integer.MAX_VALUE, "Streetlight", "nl.example.hostile 1.0.0",
                declared), "declared, but not granted");
        CommandResult result = actuation.send("operator", "city", dim("Streetlight")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals(CommandState.COMPLETED, result.state());
        assertEquals(List.of(), swallowed, "the top-ranked driver of the plugin never saw the command");
        // One audit record: the same plugin version, kind and type (its scope cannot change within a version).
        assertEquals(1, audit.ofKind(AuditEvent.SERVICE).size());

        policy.grant("nl.example.hostile", "drives", "Streetlight");
        assertTrue(actuation.addDriver(swallower, 102L, Integer.MAX_VALUE, "Streetlight", "nl.example.hostile 1.0.0",
                declared), "declared and granted: the operator's choice");
        actuation.send("operator", "city", dim("Streetlight")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of("dim"), swallowed);

        policy.grant("nl.example.hostile", "drives");
        actuation.send("operator", "city", dim("Streetlight")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of("dim"), swallowed, "a grant withdrawn passes the driver over from then on");
    }
}
