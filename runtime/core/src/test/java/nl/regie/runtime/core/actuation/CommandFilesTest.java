package nl.regie.runtime.core.actuation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands kept in a state folder: their results answer after a restart, and one in progress when the runtime was
 * killed ends at the restart, EXPIRED if its deadline passed meanwhile, FAILED if not, and is audited either way.
 */
class CommandFilesTest {

    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-1");

    @TempDir
    Path state;
    @TempDir
    Path killed;

    private final RecordingLogger log = new RecordingLogger();
    private final RecordingAuditLog audit = new RecordingAuditLog();
    private final ScopeGuards scopes = new ScopeGuards(new TestPolicy(), audit, log.logger(), 1, Clock.systemUTC());
    private final List<ActuationComponent> started = new java.util.ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ActuationComponent a : started) {
            a.deactivate();
        }
    }

    private ActuationComponent open(Path folder, RecordingAuditLog auditLog) {
        ActuationComponent actuation = new ActuationComponent(log.logger(), auditLog, scopes);
        actuation.keepIn(folder.resolve("commands"));
        started.add(actuation);
        return actuation;
    }

    private static Command dim(String id, Instant deadline) {
        return new Command(id, LAMP, "dim", Map.of("level", Value.of(0.3)), deadline);
    }

    @Test
    void aCommandInProgressAtACrashEndsExpiredOrFailedAtTheRestartAndIsAudited() throws Exception {
        ActuationComponent before = open(state, new RecordingAuditLog());
        before.register(command -> new CompletableFuture<>(), 1, 0, "Streetlight"); // the device never answers
        before.register(command -> CompletableFuture.completedFuture(CommandResult.completed(command.id())), 2, 0,
                "Switch");
        // Far enough ahead that the running instance does not expire it itself before the copy below, even on a
        // loaded machine; the restart comes after it.
        Instant soon = Instant.now().plusSeconds(3);
        before.send("nl.regie.lighting", "city", dim("soon", soon));
        before.send("nl.regie.lighting", "city", dim("later", Instant.now().plus(Duration.ofHours(1))));
        CommandResult done = before.send("nl.regie.lighting", "city", new Command("done", EntityId.of("Switch", "s-1"),
                "switch", Map.of(), Instant.now().plusSeconds(60))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(CommandState.COMPLETED, done.state());
        // kill -9: what is in the folder now is what the restart finds (the journal is written as things happen).
        copy(state.resolve("commands"), killed.resolve("commands"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(soon));

        RecordingAuditLog auditAfter = new RecordingAuditLog();
        ActuationComponent after = open(killed, auditAfter);

        CommandResult expired = after.status("soon").orElseThrow();
        assertEquals(CommandState.EXPIRED, expired.state());
        assertTrue(expired.reason().startsWith("the runtime was down at the deadline " + soon), expired.reason());
        assertEquals(soon, expired.at());
        CommandResult failed = after.status("later").orElseThrow();
        assertEquals(CommandState.FAILED, failed.state());
        assertTrue(failed.reason().startsWith("the runtime restarted before the command ended"), failed.reason());
        assertEquals(done, after.status("done").orElseThrow(), "an ended command's result answers after a restart");

        List<AuditEvent> events = auditAfter.ofKind(AuditEvent.COMMAND);
        assertEquals(List.of("EXPIRED", "FAILED"), events.stream().map(AuditEvent::outcome).sorted().toList());
        AuditEvent expiredEvent = events.stream().filter(e -> e.outcome().equals("EXPIRED")).findFirst().orElseThrow();
        assertEquals(List.of("nl.regie.lighting", "city", "dim", LAMP.toString()), List.of(expiredEvent.actor(),
                expiredEvent.party(), expiredEvent.action(), expiredEvent.target()));
        assertEquals(0L, after.commandCounts().get(CommandState.ACCEPTED));

        // The ends taken at the restart are kept too: a second restart finds them ended, and audits nothing again.
        copy(killed.resolve("commands"), state.resolve("again"));
        RecordingAuditLog auditAgain = new RecordingAuditLog();
        ActuationComponent same = openAt(state.resolve("again"), auditAgain);
        assertEquals(expired, same.status("soon").orElseThrow());
        assertEquals(List.of(), auditAgain.events());
    }

    @Test
    void theEndsOfRestoredCommandsWaitForAnAuditLogThatComesLater() throws Exception {
        ActuationComponent before = open(state, null);
        before.register(command -> new CompletableFuture<>(), 1, 0, "Streetlight");
        before.send("nl.regie.lighting", "city", dim("c1", Instant.now().plusSeconds(3600)));
        copy(state.resolve("commands"), killed.resolve("commands"));

        ActuationComponent after = new ActuationComponent(log.logger(), scopes);
        started.add(after);
        after.keepIn(killed.resolve("commands"));
        RecordingAuditLog late = new RecordingAuditLog();
        after.setAuditLog(late);
        assertEquals(List.of("FAILED"), late.ofKind(AuditEvent.COMMAND).stream().map(AuditEvent::outcome).toList());
    }

    @Test
    void whoSentEachCommandIsKeptAcrossAKillAndACleanStop() throws Exception {
        ActuationComponent before = open(state, new RecordingAuditLog());
        before.register(command -> CompletableFuture.completedFuture(CommandResult.completed(command.id())), 1, 0,
                "Streetlight");
        before.send("lights-app", "city", dim("ended", Instant.now().plusSeconds(60)))
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        before.send("police-app", "police", new Command("refused", EntityId.of("Bollard", "b-1"), "lower", Map.of(),
                Instant.now().plusSeconds(60))); // no driver for Bollard: REJECTED at once
        before.reject("mobility-app", "city", dim("out-of-scope", Instant.now().plusSeconds(60)), "outside its scope");
        assertEquals("lights-app", before.sender("ended").orElseThrow());
        assertEquals(java.util.Optional.empty(), before.sender("never-sent"));

        // kill -9: read back from the journal.
        copy(state.resolve("commands"), killed.resolve("commands"));
        ActuationComponent afterKill = openAt(killed.resolve("commands"), new RecordingAuditLog());
        assertEquals(List.of("lights-app", "police-app", "mobility-app"), Stream.of("ended", "refused", "out-of-scope")
                .map(id -> afterKill.sender(id).orElseThrow()).toList());

        // A clean stop writes a snapshot: read back from it.
        afterKill.deactivate();
        started.remove(afterKill);
        ActuationComponent afterStop = openAt(killed.resolve("commands"), new RecordingAuditLog());
        assertEquals(List.of("lights-app", "police-app", "mobility-app"), Stream.of("ended", "refused", "out-of-scope")
                .map(id -> afterStop.sender(id).orElseThrow()).toList());
        assertEquals(CommandState.COMPLETED, afterStop.status("ended").orElseThrow().state());
    }

    @Test
    void anEndedCommandKeptByAnOlderRuntimeKeepsTheSenderItsStartNamed() {
        CommandTracker tracker = new CommandTracker(10);
        CommandFiles files = new CommandFiles(tracker);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        CommandResult accepted = new CommandResult("c1", CommandState.ACCEPTED, "", at);
        files.journalRecord(Decoder.of(CommandFiles.write(new Encoder(),
                new CommandTracker.Pending(dim("c1", at.plusSeconds(60)), "lights-app", "city", accepted))
                .toByteArray()));
        // Schema 1's end record: E, id, state, reason, time; no sender.
        files.journalRecord(Decoder.of(new Encoder().writeByte('E').writeString("c1").writeString("COMPLETED")
                .writeString("").writeInstant(at.plusSeconds(1)).toByteArray()));
        files.journalRecord(Decoder.of(new Encoder().writeByte('E').writeString("c2").writeString("REJECTED")
                .writeString("no driver").writeInstant(at).toByteArray()));
        assertEquals(CommandState.COMPLETED, tracker.status("c1").orElseThrow().state());
        assertEquals("lights-app", tracker.sender("c1").orElseThrow());
        assertEquals("", tracker.sender("c2").orElseThrow(), "not known: only the operator sees it");
    }

    private ActuationComponent openAt(Path commands, RecordingAuditLog auditLog) {
        ActuationComponent actuation = new ActuationComponent(log.logger(), auditLog, scopes);
        actuation.keepIn(commands);
        started.add(actuation);
        return actuation;
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
