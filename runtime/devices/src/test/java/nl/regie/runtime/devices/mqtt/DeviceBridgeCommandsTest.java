package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Commands: sent to the device that owns the target, ended by its acknowledgement or deadline. */
class DeviceBridgeCommandsTest extends MessageFixture {

    @Test
    void aCommandIsPublishedToTheOwningDeviceAndEndsWithItsAck() throws Exception {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true, \"type\": \"Streetlight\"}");
        CompletableFuture<CommandResult> result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofMillis(9_500))).toCompletableFuture();
        assertFalse(result.isDone());
        assertEquals(1, outbound.published.size());
        Object[] message = outbound.published.get(0);
        assertEquals(PREFIX + "lamp-7/cmd/cmd-1", message[0]);
        assertEquals(1, message[2]);
        assertEquals(false, message[3]);
        assertEquals(10L, message[4]);
        JsonNode body = json.readTree((byte[]) message[1]);
        assertEquals("cmd-1", body.get("id").textValue());
        assertEquals("urn:ngsi-ld:Streetlight:lamp-7", body.get("target").textValue());
        assertEquals("dim", body.get("action").textValue());
        assertEquals(0.3, body.get("parameters").get("level").doubleValue());
        assertEquals(T0.plusMillis(9_500).toString(), body.get("deadline").textValue());

        clock.advance(Duration.ofSeconds(1));
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        CommandResult done = result.getNow(null);
        assertEquals(CommandState.COMPLETED, done.state());
        assertEquals(T0.plusSeconds(1), done.at());

        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        send(bridge, PREFIX + "lamp-7/ack/cmd-9", "{\"status\": \"completed\"}");
        DeviceSnapshot.Counts counts = bridge.device("lamp-7").orElseThrow().counts();
        assertEquals(1, counts.commandsSent());
        assertEquals(1, counts.acksAccepted());
        assertEquals(1, counts.acksDuplicate());
        assertEquals(1, counts.acksLate());
        assertEquals(1, bridge.bridge().acksDuplicate());
        assertEquals(1, bridge.bridge().acksLate());
    }

    @Test
    void rejectedAndFailedAcksCarryTheDevicesReason() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        CompletableFuture<CommandResult> rejected = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofSeconds(10))).toCompletableFuture();
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"rejected\", \"reason\": \"level out of range\"}");
        assertEquals(CommandState.REJECTED, rejected.getNow(null).state());
        assertEquals("level out of range", rejected.getNow(null).reason());

        Command second = new Command("cmd-2", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), "dim", Map.of(),
                T0.plusSeconds(10));
        CompletableFuture<CommandResult> failed = bridge.execute(second).toCompletableFuture();
        send(bridge, PREFIX + "lamp-7/ack/cmd-2", "{\"status\": \"failed\"}");
        assertEquals(CommandState.FAILED, failed.getNow(null).state());
        assertEquals("device lamp-7 failed to carry out the command", failed.getNow(null).reason());

        Command third = new Command("cmd-3", EntityId.parse("urn:ngsi-ld:Streetlight:lamp-7"), "dim", Map.of(),
                T0.plusSeconds(10));
        CompletableFuture<CommandResult> garbled = bridge.execute(third).toCompletableFuture();
        send(bridge, PREFIX + "lamp-7/ack/cmd-3", "{\"status\": \"done\"}");
        assertEquals(CommandState.FAILED, garbled.getNow(null).state());
        assertTrue(garbled.getNow(null).reason().contains("invalid acknowledgement"), garbled.getNow(null).reason());
        assertEquals(1, bridge.device("lamp-7").orElseThrow().counts().acksRejected());
    }

    @Test
    void anAckFromAnotherDeviceDoesNotEndTheCommand() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        CompletableFuture<CommandResult> result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofSeconds(10))).toCompletableFuture();
        send(bridge, PREFIX + "lamp-8/ack/cmd-1", "{\"status\": \"completed\"}");
        assertFalse(result.isDone());
        assertTrue(bridge.device("lamp-8").isEmpty(), "an ack is not a valid message of a device never heard of");
        assertEquals(1, bridge.unknownDevices().messages());
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        assertEquals(CommandState.COMPLETED, result.getNow(null).state());
    }

    @Test
    void anAckAfterTheDeadlineIsLate() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        CompletableFuture<CommandResult> result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7",
                Duration.ofSeconds(5))).toCompletableFuture();
        clock.advance(Duration.ofSeconds(6));
        bridge.checkPresence();
        assertEquals(CommandState.EXPIRED, result.getNow(null).state());
        send(bridge, PREFIX + "lamp-7/ack/cmd-1", "{\"status\": \"completed\"}");
        assertEquals(1, bridge.device("lamp-7").orElseThrow().counts().acksLate());
        assertEquals(0, bridge.device("lamp-7").orElseThrow().counts().acksAccepted());
    }

    @Test
    void aCommandForAnEntityWithoutKnownDeviceIsRejected() {
        DeviceBridge bridge = bridge();
        CommandResult result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7", Duration.ofSeconds(5)))
                .toCompletableFuture().getNow(null);
        assertEquals(CommandState.REJECTED, result.state());
        assertTrue(result.reason().startsWith("no known device owns urn:ngsi-ld:Streetlight:lamp-7"), result.reason());
        assertEquals(List.of(), outbound.published);
    }

    @Test
    void theRegistryRoutesCommandsToItsDevice() {
        DeviceBridge bridge = bridge("group-ctl=urn:ngsi-ld:StreetlightGroup:zone-3");
        bridge.execute(command("urn:ngsi-ld:StreetlightGroup:zone-3", Duration.ofSeconds(5)));
        assertEquals(PREFIX + "group-ctl/cmd/cmd-1", outbound.published.get(0)[0]);
        assertEquals(List.of("StreetlightGroup"), types);
        assertEquals("unknown", bridge.device("group-ctl").orElseThrow().state());
    }

    @Test
    void aCommandWhileTheBrokerIsDisconnectedFailsAtOnce() {
        DeviceBridge bridge = bridge();
        send(bridge, PREFIX + "lamp-7/state", "{\"online\": true}");
        outbound.connected = false;
        CommandResult result = bridge.execute(command("urn:ngsi-ld:Streetlight:lamp-7", Duration.ofSeconds(5)))
                .toCompletableFuture().getNow(null);
        assertEquals(CommandState.FAILED, result.state());
        assertEquals("MQTT broker not connected", result.reason());
    }
}
