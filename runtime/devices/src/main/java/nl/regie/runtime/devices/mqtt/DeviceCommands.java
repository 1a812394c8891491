package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Commands to devices: each goes to the device that owns its target (the registry first, then the device whose id is
 * the target's local id, if that device is known), published with QoS 1 on {@code .../dev/{d}/cmd/{commandId}},
 * never retained, expiring at the deadline. The device's acknowledgement on {@code .../dev/{d}/ack/{commandId}}
 * ({@link Acknowledgement}) ends it; so does its deadline ({@link #expire}) or the bridge's stop
 * ({@link #failPending}). Acknowledgements after the deadline, for unknown commands, or repeated ones are ignored and
 * counted. While the broker is not connected a command fails at once: the caller learns at once that nothing was
 * sent, rather than at the deadline. Thread-safe.
 */
final class DeviceCommands {

    private static final MqttOutbound NOT_ATTACHED = new MqttOutbound() {
        @Override
        public boolean isConnected() {
            return false;
        }

        @Override
        public void publish(String topic, byte[] payload, int qos, boolean retained, long messageExpirySeconds) {
            throw new IllegalStateException("no MQTT connection");
        }
    };

    /** A command published and waiting for its acknowledgement. */
    private record Pending(Command command, String device, CompletableFuture<CommandResult> outcome) {
    }

    private final Topics topics;
    private final DeviceRegistry registry;
    private final KnownDevices devices;
    private final DeviceJson json;
    private final Rejections rejections;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final EndedCommands ended = new EndedCommands();
    private final LongAdder acksLate = new LongAdder();
    private final LongAdder acksDuplicate = new LongAdder();
    private volatile MqttOutbound outbound = NOT_ATTACHED;

    DeviceCommands(Topics topics, DeviceRegistry registry, KnownDevices devices, DeviceJson json, Rejections rejections) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.json = Objects.requireNonNull(json, "json");
        this.rejections = Objects.requireNonNull(rejections, "rejections");
    }

    /** Sets the connection commands are published on; until then every command fails at once. */
    void sendThrough(MqttOutbound connection) {
        this.outbound = Objects.requireNonNull(connection, "connection");
    }

    /** Whether the connection commands go out on is up. */
    boolean connected() {
        return outbound.isConnected();
    }

    long acksLate() {
        return acksLate.sum();
    }

    long acksDuplicate() {
        return acksDuplicate.sum();
    }

    /**
     * Sends a command to the device that owns its target. Completes with the device's answer; REJECTED at once
     * when no known device owns the target; FAILED at once when the broker is not connected or the client
     * refuses the message.
     */
    CompletionStage<CommandResult> execute(Command command, Instant now) {
        Optional<String> owner = ownerOf(command.target());
        if (owner.isEmpty()) {
            return done(command, CommandState.REJECTED, "no known device owns " + command.target()
                    + ": the device registry does not assign it and no device '" + command.target().localId()
                    + "' has spoken", now);
        }
        String device = owner.get();
        MqttOutbound connection = outbound;
        if (!connection.isConnected()) {
            return done(command, CommandState.FAILED, "MQTT broker not connected", now);
        }
        Pending waiting = new Pending(command, device, new CompletableFuture<>());
        if (pending.putIfAbsent(command.id(), waiting) != null) {
            return done(command, CommandState.FAILED, "command " + command.id() + " is already waiting for its device", now);
        }
        long expirySeconds = Math.max(1, (Duration.between(now, command.deadline()).toMillis() + 999) / 1000);
        try {
            connection.publish(topics.command(device, command.id()), message(command), 1, false, expirySeconds);
        } catch (Exception e) {
            pending.remove(command.id(), waiting);
            return done(command, CommandState.FAILED, "could not publish the command to the MQTT broker: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), now);
        }
        DeviceStatus status = devices.get(device);
        if (status != null) {
            status.commandSent();
        }
        return waiting.outcome();
    }

    /** The device that receives commands for an entity: the registry's, else a known device named like its local id. */
    Optional<String> ownerOf(EntityId entity) {
        Optional<String> assigned = registry.owner(entity);
        if (assigned.isPresent()) {
            return assigned;
        }
        return devices.contains(entity.localId()) ? Optional.of(entity.localId()) : Optional.empty();
    }

    /** An acknowledgement from the device for a command: ends the command if it is the device's and still waiting. */
    void onAck(DeviceStatus device, String commandId, String topic, byte[] payload, Instant now) {
        Pending waiting = pending.get(commandId);
        if (waiting == null) {
            if (ended.acknowledged(commandId)) {
                duplicate(device);
            } else {
                late(device);
            }
            return;
        }
        if (!waiting.device().equals(device.id())) {
            reject(device, topic, payload, "acknowledgement for command " + commandId + ", which was sent to device "
                    + waiting.device() + ", not to " + device.id(), now);
            return;
        }
        if (now.isAfter(waiting.command().deadline())) {
            expire(waiting, now);
            late(device);
            return;
        }
        Acknowledgement answer;
        try {
            answer = Acknowledgement.read(json.object(payload));
        } catch (IllegalArgumentException e) {
            reject(device, topic, payload, "invalid acknowledgement: " + e.getMessage(), now);
            answer = new Acknowledgement(CommandState.FAILED,
                    "device " + device.id() + " sent an invalid acknowledgement: " + e.getMessage());
        }
        if (!pending.remove(commandId, waiting)) {
            duplicate(device);
            return;
        }
        ended.ended(commandId, true);
        device.ackAccepted();
        waiting.outcome().complete(new CommandResult(commandId, answer.state(), answer.reasonOf(device.id()), now));
    }

    /** Ends every command whose deadline has passed, EXPIRED. */
    void expire(Instant now) {
        for (Pending waiting : pending.values()) {
            if (now.isAfter(waiting.command().deadline())) {
                expire(waiting, now);
            }
        }
    }

    /** Fails every command still waiting for its device; used when the bridge stops. */
    void failPending(String reason, Instant now) {
        for (Pending waiting : List.copyOf(pending.values())) {
            if (pending.remove(waiting.command().id(), waiting)) {
                waiting.outcome().complete(new CommandResult(waiting.command().id(), CommandState.FAILED, reason, now));
            }
        }
    }

    private void expire(Pending waiting, Instant now) {
        String id = waiting.command().id();
        if (pending.remove(id, waiting)) {
            ended.ended(id, false);
            waiting.outcome().complete(new CommandResult(id, CommandState.EXPIRED,
                    "no acknowledgement before the deadline " + waiting.command().deadline(), now));
        }
    }

    private void late(DeviceStatus device) {
        device.ackLate();
        acksLate.increment();
    }

    private void duplicate(DeviceStatus device) {
        device.ackDuplicate();
        acksDuplicate.increment();
    }

    private void reject(DeviceStatus device, String topic, byte[] payload, String why, Instant now) {
        rejections.reject(device, Topics.Kind.ACK, topic, payload, why, now);
    }

    /** The command as the device reads it: id, target, action, parameters (by name) and deadline. */
    private byte[] message(Command command) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", command.id());
        message.put("target", command.target().toString());
        message.put("action", command.action());
        Map<String, Object> parameters = new LinkedHashMap<>();
        command.parameters().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(p -> parameters.put(p.getKey(), p.getValue().asObject()));
        message.put("parameters", parameters);
        message.put("deadline", command.deadline().toString());
        try {
            return json.write(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write command " + command.id() + " as JSON", e);
        }
    }

    private static CompletionStage<CommandResult> done(Command command, CommandState state, String reason, Instant now) {
        return CompletableFuture.completedFuture(new CommandResult(command.id(), state, reason, now));
    }
}
