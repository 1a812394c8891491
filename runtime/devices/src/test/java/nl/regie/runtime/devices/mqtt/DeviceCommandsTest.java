package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

/** Commands on their own: what is published, and every way a command ends without a device's answer. */
class DeviceCommandsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-7");

    private final DeviceRegistry registry = DeviceRegistry.parse(new String[] {
        "group-ctl=urn:ngsi-ld:StreetlightGroup:zone-3", "lamp-7=urn:ngsi-ld:Streetlight:lamp-8"}).registry();
    private final KnownDevices devices = new KnownDevices(registry, 10);
    private final RecordingLogger log = new RecordingLogger();
    private final DeviceCommands commands = new DeviceCommands(new Topics("demo"), registry, devices, new DeviceJson(),
            new Rejections(log.logger(), event -> { }));
    private final MessageFixture.FakeOutbound outbound = new MessageFixture.FakeOutbound();

    DeviceCommandsTest() {
        commands.sendThrough(outbound);
    }

    private static Command command(String id, Instant deadline) {
        return new Command(id, LAMP, "dim", Map.of("level", Value.of(0.3)), deadline);
    }

    private static CommandResult now(CompletableFuture<CommandResult> outcome) {
        return outcome.getNow(null);
    }

    private CompletableFuture<CommandResult> execute(Command command) {
        return commands.execute(command, T0).toCompletableFuture();
    }

    private void ack(String device, String commandId, Instant at) {
        commands.onAck(devices.track(device), commandId, "regie/v1/demo/dev/" + device + "/ack/" + commandId,
                "{\"status\": \"completed\"}".getBytes(StandardCharsets.UTF_8), at);
    }

    @Test
    void theRegistryOwnsItsEntitiesFirstThenAKnownDeviceNamedLikeTheLocalId() {
        devices.track("lamp-8");
        assertEquals(Optional.of("group-ctl"), commands.ownerOf(EntityId.parse("urn:ngsi-ld:StreetlightGroup:zone-3")));
        assertEquals(Optional.of("lamp-7"), commands.ownerOf(EntityId.parse("urn:ngsi-ld:Streetlight:lamp-8")));
        assertEquals(Optional.of("lamp-7"), commands.ownerOf(LAMP));
        assertEquals(Optional.empty(), commands.ownerOf(EntityId.parse("urn:ngsi-ld:Streetlight:lamp-9")));
    }

    @Test
    void theMessageCarriesTheCommandAndExpiresWithItInWholeSecondsRoundedUp() {
        execute(new Command("c1", LAMP, "set", Map.of("mode", Value.of("warm"), "auto", Value.of(true)),
                T0.plusMillis(2_000)));
        execute(command("c2", T0.plusMillis(2_001)));
        execute(command("c3", T0.plusMillis(1)));
        execute(command("c4", T0.minusSeconds(5)));
        assertEquals(List.of(2L, 3L, 1L, 1L), outbound.published.stream().map(m -> m[4]).toList());
        Object[] first = outbound.published.get(0);
        assertEquals("regie/v1/demo/dev/lamp-7/cmd/c1", first[0]);
        assertEquals("{\"id\":\"c1\",\"target\":\"urn:ngsi-ld:Streetlight:lamp-7\",\"action\":\"set\",\"parameters\":"
                + "{\"auto\":true,\"mode\":\"warm\"},\"deadline\":\"2026-06-01T10:00:02Z\"}",
                new String((byte[]) first[1], StandardCharsets.UTF_8), "parameters by name");
        assertEquals(1, first[2]);
        assertEquals(false, first[3]);
        assertEquals(4, devices.get("lamp-7").snapshot(Set.of(), Duration.ZERO).counts().commandsSent());
    }

    @Test
    void withoutAnAnswerACommandExpiresJustAfterItsDeadline() {
        CompletableFuture<CommandResult> outcome = execute(command("cmd-1", T0.plusSeconds(5)));
        commands.expire(T0.plusSeconds(5));
        assertFalse(outcome.isDone(), "at the deadline it may still be answered");
        commands.expire(T0.plusMillis(5_001));
        assertEquals(new CommandResult("cmd-1", CommandState.EXPIRED,
                "no acknowledgement before the deadline 2026-06-01T10:00:05Z", T0.plusMillis(5_001)), now(outcome));
        ack("lamp-7", "cmd-1", T0.plusSeconds(6));
        assertEquals(1, commands.acksLate());
        assertEquals(0, commands.acksDuplicate());
    }

    @Test
    void aPublishTheClientRefusesFailsAtOnceAndLeavesTheIdFree() {
        DeviceCommands refusing = new DeviceCommands(new Topics("demo"), registry, devices, new DeviceJson(),
                new Rejections(log.logger(), event -> { }));
        List<Exception> refusals = new ArrayList<>(List.of(new Exception("too many in flight"),
                new IllegalStateException()));
        refusing.sendThrough(new MqttOutbound() {
            @Override
            public boolean isConnected() {
                return true;
            }

            @Override
            public void publish(String topic, byte[] payload, int qos, boolean retained, long expiry) throws Exception {
                if (!refusals.isEmpty()) {
                    throw refusals.remove(0);
                }
            }
        });
        assertEquals("could not publish the command to the MQTT broker: too many in flight",
                refusing.execute(command("cmd-1", T0.plusSeconds(5)), T0).toCompletableFuture().getNow(null).reason());
        CommandResult unnamed = refusing.execute(command("cmd-1", T0.plusSeconds(5)), T0).toCompletableFuture().getNow(null);
        assertEquals(CommandState.FAILED, unnamed.state());
        assertEquals("could not publish the command to the MQTT broker: IllegalStateException", unnamed.reason());
        assertFalse(refusing.execute(command("cmd-1", T0.plusSeconds(5)), T0).toCompletableFuture().isDone(),
                "the same id again, now published");
        assertEquals(1, devices.get("lamp-7").snapshot(Set.of(), Duration.ZERO).counts().commandsSent());
    }

    @Test
    void aCommandWithTheIdOfOneStillWaitingFails() {
        CompletableFuture<CommandResult> first = execute(command("cmd-1", T0.plusSeconds(5)));
        assertEquals(new CommandResult("cmd-1", CommandState.FAILED, "command cmd-1 is already waiting for its device", T0),
                now(execute(command("cmd-1", T0.plusSeconds(9)))));
        assertEquals(1, outbound.published.size());
        ack("lamp-7", "cmd-1", T0.plusSeconds(1));
        assertEquals(CommandState.COMPLETED, now(first).state());
    }

    @Test
    void withoutAConnectionEveryCommandFails() {
        DeviceCommands unattached = new DeviceCommands(new Topics("demo"), registry, devices, new DeviceJson(),
                new Rejections(log.logger(), event -> { }));
        assertFalse(unattached.connected());
        assertEquals(new CommandResult("cmd-1", CommandState.FAILED, "MQTT broker not connected", T0),
                unattached.execute(command("cmd-1", T0.plusSeconds(5)), T0).toCompletableFuture().getNow(null));
    }

    @Test
    void stoppingFailsEveryWaitingCommandWithTheReason() {
        CompletableFuture<CommandResult> one = execute(command("cmd-1", T0.plusSeconds(5)));
        CompletableFuture<CommandResult> two = execute(command("cmd-2", T0.plusSeconds(5)));
        commands.failPending("the bridge stopped", T0.plusSeconds(1));
        assertEquals(new CommandResult("cmd-1", CommandState.FAILED, "the bridge stopped", T0.plusSeconds(1)), now(one));
        assertEquals(new CommandResult("cmd-2", CommandState.FAILED, "the bridge stopped", T0.plusSeconds(1)), now(two));
        ack("lamp-7", "cmd-1", T0.plusSeconds(2));
        assertEquals(1, commands.acksLate(), "an answer to a command no longer waiting");
        DeviceSnapshot.Counts counts = devices.get("lamp-7").snapshot(Set.of(), Duration.ZERO).counts();
        assertEquals(0, counts.acksAccepted());
        assertEquals(1, counts.acksLate());
    }
}
