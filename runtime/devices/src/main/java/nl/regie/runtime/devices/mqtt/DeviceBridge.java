package nl.regie.runtime.devices.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.runtime.devices.senml.SenmlParser;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

import org.osgi.service.log.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The device bridge: turns what devices send over MQTT into readings on the bus, keeps track of their presence,
 * and carries commands to them. Plain Java, without Paho or a framework: {@link PahoConnection} feeds it with
 * {@link #onMessage} and is its {@link MqttOutbound}; tests feed it directly.
 *
 * <h2>Telemetry</h2>
 * A pack on {@code .../dev/{d}/tele} is parsed strictly ({@link SenmlParser}). Each record's resolved name must be
 * {@code {entity URN}:{attribute}} (split at the last ':'), the attribute a valid reading attribute, and the
 * entity one the device may speak for: its own {@code urn:ngsi-ld:Device:{d}}, any entity whose local id is
 * {@code d}, or one the {@link DeviceRegistry} assigns to it. One bad record rejects the whole pack: nothing of
 * it reaches the bus; the rejection is counted and kept (payload and reason) for the device, and logged at most
 * once a minute per device. A good pack becomes one reading per record, published on the bus as
 * {@code mqtt:{d}}, with source {@code d}, received now, observed at the record's time and located where the
 * device's birth said it is.
 *
 * <h2>At least once</h2>
 * The bridge subscribes with QoS 1 in a persistent session and Paho acknowledges a message only after
 * {@link #onMessage} returned, so a pack reaches the bus at least once, also across broker and runtime restarts;
 * after such a restart the broker delivers again what it had sent but not seen acknowledged (up to its in-flight
 * window), and those readings reach the bus twice. The bridge does not try to recognize them: the city state is
 * indifferent to a repeat (same entity, attribute, time and value), and subscribers order readings by
 * {@code observedAt}, so devices should time-stamp their packs ({@code bt}/{@code t}). Once on the bus, the bus's
 * rules apply: a subscriber whose queue is full loses the reading, counted for that subscriber.
 *
 * <h2>Presence</h2>
 * A birth ({@code {"online": true, ...}} on {@code .../state}) makes a device online and tells its type, its
 * entities (only ones it may speak for, else the birth is rejected whole), its location and its reporting
 * interval; births are retained, so the broker hands them to the bridge again whenever it subscribes, also after
 * a runtime restart. {@code {"online": false}} (its will, or a goodbye) makes it
 * offline; {@link #checkPresence()} marks an online device stale once it has been silent for its interval
 * times the stale factor; any message from a device that is not online makes it online again. Each change is
 * published as a {@code deviceState} reading ({@code online}, {@code offline}, {@code stale}) of
 * {@code urn:ngsi-ld:Device:{d}}, with the birth's location.
 *
 * <h2>Commands</h2>
 * {@link #execute} routes a command to the device that owns its target (the registry first, then the device
 * whose id is the target's local id, if that device is known) and publishes it with QoS 1 on
 * {@code .../dev/{d}/cmd/{commandId}}, never retained, expiring at the deadline. The device's acknowledgement on
 * {@code .../dev/{d}/ack/{commandId}} ends it. Acknowledgements after the deadline, for unknown commands, or
 * repeated ones are ignored and counted. While the broker is not connected a command fails at once: the
 * caller learns at once that nothing was sent, rather than at the deadline.
 *
 * <h2>Threads</h2>
 * {@link #onMessage} is called by the MQTT client's callback thread, {@link #checkPresence()} by a scheduler,
 * {@link #execute} by actuation threads, the directory methods by HTTP threads; all may run at once.
 */
public final class DeviceBridge implements DeviceDirectory {

    /** Where readings go: {@code RuntimeBus::publish}. */
    @FunctionalInterface
    public interface ReadingSink {
        /** Publishes a reading on behalf of a named publisher; must not block. */
        void publish(String publisher, Reading reading);
    }

    /** The Smart Data Models attribute of a Device that carries its presence. */
    public static final String DEVICE_STATE = "deviceState";

    private static final int ENDED_COMMANDS_KEPT = 10_000;
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

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

    private final BridgeSettings settings;
    private final Topics topics;
    private final ReadingSink sink;
    private final Clock clock;
    private final Logger log;
    private final DeviceJson json = new DeviceJson();
    private final KnownDevices devices;
    private final EntityTypes entityTypes;
    private final Rejections rejections;
    private final DeviceTelemetry telemetry;
    private final DevicePresence presence;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    /** Recently ended commands: true if acknowledged, false if their deadline passed first. */
    private final Map<String, Boolean> ended = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > ENDED_COMMANDS_KEPT;
        }
    };

    private final LongAdder messages = new LongAdder();
    private final LongAdder unroutable = new LongAdder();
    private final LongAdder acksLate = new LongAdder();
    private final LongAdder acksDuplicate = new LongAdder();
    private final Object unroutableLogLock = new Object();
    private Instant unroutableLogged;
    private long unroutableSuppressed;

    private volatile MqttOutbound outbound = NOT_ATTACHED;
    private volatile String broker = "";
    private volatile String clientId = "";

    /**
     * Creates a bridge; it does nothing until messages arrive or commands are sent.
     *
     * @param settings site, SenML limits, presence tunables and the device registry
     * @param sink     where readings go
     * @param clock    the time source for arrival times and presence
     * @param log      where rejections (rate-limited) and problems go
     */
    public DeviceBridge(BridgeSettings settings, ReadingSink sink, Clock clock, Logger log) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = new Topics(settings.site());
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
        this.devices = new KnownDevices(settings.registry(), settings.maxDevices());
        this.entityTypes = new EntityTypes(log);
        this.rejections = new Rejections(log);
        this.telemetry = new DeviceTelemetry(new SenmlParser(settings.senmlLimits()), new RecordNames(settings.registry()),
                sink, rejections);
        this.presence = new DevicePresence(settings, devices, json, entityTypes, sink, rejections);
        for (String device : settings.registry().devices()) {
            settings.registry().assigned(device).forEach(e -> entityTypes.learn(e.type()));
        }
    }

    /** The MQTT topic filters the bridge must be subscribed to. */
    public List<String> topicFilters() {
        return topics.filters();
    }

    /** Sets where commands are published, and the broker and client id shown by {@link #bridge()}. */
    public void attach(MqttOutbound connection, String brokerUrl, String mqttClientId) {
        this.outbound = Objects.requireNonNull(connection, "connection");
        this.broker = brokerUrl;
        this.clientId = mqttClientId;
    }

    /**
     * Calls the listener for every entity type of device-backed entities known now (from the registry and births
     * so far) and from then on once for each new one, on the thread that learned it.
     */
    public void onEntityTypes(Consumer<String> listener) {
        entityTypes.onNew(listener);
    }

    /** The entity types of device-backed entities known so far. */
    public Set<String> entityTypes() {
        return entityTypes.all();
    }

    // ---------------------------------------------------------------------------------------------- inbound

    /**
     * Handles one message from the broker. Never throws: whatever is wrong with the message is counted and
     * reported, and the bridge goes on with the next one.
     */
    public void onMessage(String topic, byte[] payload) {
        Instant now = clock.instant();
        messages.increment();
        Topics.Parsed parsed;
        try {
            parsed = topics.parse(topic);
        } catch (IllegalArgumentException e) {
            unroutable(now, e.getMessage());
            return;
        }
        DeviceStatus device = devices.track(parsed.device());
        if (device == null) {
            unroutable(now, "device " + parsed.device() + " is beyond the " + settings.maxDevices()
                    + " devices the bridge keeps track of (message on " + topic + " dropped)");
            return;
        }
        try {
            switch (parsed.kind()) {
                case TELEMETRY -> {
                    presence.heard(device, now);
                    telemetry.accept(device, topic, payload, now);
                }
                case STATE -> presence.onState(device, topic, payload, now);
                case ACK -> ack(device, parsed.commandId(), topic, payload, now);
                default -> throw new IllegalStateException(parsed.kind().name());
            }
        } catch (RuntimeException e) {
            log.error("Device {}: unexpected failure handling a message on {}", device.id(), topic, e);
            reject(device, parsed.kind(), topic, payload, "internal error: " + e, now);
        }
    }

    private void ack(DeviceStatus device, String commandId, String topic, byte[] payload, Instant now) {
        presence.heard(device, now);
        Pending waiting = pending.get(commandId);
        if (waiting == null) {
            Boolean acknowledged;
            synchronized (ended) {
                acknowledged = ended.get(commandId);
            }
            if (Boolean.TRUE.equals(acknowledged)) {
                device.ackDuplicate();
                acksDuplicate.increment();
            } else {
                device.ackLate();
                acksLate.increment();
            }
            return;
        }
        if (!waiting.device().equals(device.id())) {
            reject(device, Topics.Kind.ACK, topic, payload, "acknowledgement for command " + commandId
                    + ", which was sent to device " + waiting.device() + ", not to " + device.id(), now);
            return;
        }
        if (now.isAfter(waiting.command().deadline())) {
            if (pending.remove(commandId, waiting)) {
                remember(commandId, false);
                waiting.outcome().complete(new CommandResult(commandId, CommandState.EXPIRED,
                        "no acknowledgement before the deadline " + waiting.command().deadline(), now));
            }
            device.ackLate();
            acksLate.increment();
            return;
        }
        CommandState state;
        String reason;
        try {
            JsonNode root = json.object(payload);
            JsonNode status = root.get("status");
            if (status == null || !status.isTextual()) {
                throw new IllegalArgumentException("'status' must be \"completed\", \"rejected\" or \"failed\"");
            }
            state = switch (status.textValue()) {
                case "completed" -> CommandState.COMPLETED;
                case "rejected" -> CommandState.REJECTED;
                case "failed" -> CommandState.FAILED;
                default -> throw new IllegalArgumentException("'status' must be \"completed\", \"rejected\" or"
                        + " \"failed\", was \"" + status.textValue() + "\"");
            };
            JsonNode reasonNode = root.get("reason");
            if (reasonNode != null && !reasonNode.isNull() && !reasonNode.isTextual()) {
                throw new IllegalArgumentException("'reason' must be a text");
            }
            reason = reasonNode == null || reasonNode.isNull() ? "" : reasonNode.textValue();
        } catch (IllegalArgumentException e) {
            reject(device, Topics.Kind.ACK, topic, payload, "invalid acknowledgement: " + e.getMessage(), now);
            state = CommandState.FAILED;
            reason = "device " + device.id() + " sent an invalid acknowledgement: " + e.getMessage();
        }
        if (!pending.remove(commandId, waiting)) {
            device.ackDuplicate();
            acksDuplicate.increment();
            return;
        }
        remember(commandId, true);
        if (reason.isEmpty() && state == CommandState.REJECTED) {
            reason = "device " + device.id() + " rejected the command";
        } else if (reason.isEmpty() && state == CommandState.FAILED) {
            reason = "device " + device.id() + " failed to carry out the command";
        }
        device.ackAccepted();
        waiting.outcome().complete(new CommandResult(commandId, state, reason, now));
    }

    private void remember(String commandId, boolean acknowledged) {
        synchronized (ended) {
            ended.put(commandId, acknowledged);
        }
    }

    private void reject(DeviceStatus device, Topics.Kind kind, String topic, byte[] payload, String why, Instant now) {
        rejections.reject(device, kind, topic, payload, why, now);
    }

    private void unroutable(Instant now, String reason) {
        unroutable.increment();
        long suppressed;
        synchronized (unroutableLogLock) {
            if (unroutableLogged != null && now.isBefore(unroutableLogged.plus(LOG_EVERY))) {
                unroutableSuppressed++;
                return;
            }
            unroutableLogged = now;
            suppressed = unroutableSuppressed;
            unroutableSuppressed = 0;
        }
        log.warn("MQTT device bridge: ignored a message: {}{}", reason, suppressed == 0 ? ""
                : " (and " + suppressed + " more ignored messages since the last such line)");
    }

    // ---------------------------------------------------------------------------------------------- presence

    /**
     * Marks devices silent for too long stale and forgets commands whose deadline has passed. Called every
     * second by the component's scheduler; tests call it with a clock of their own.
     */
    public void checkPresence() {
        Instant now = clock.instant();
        presence.markSilentStale(now);
        for (Pending waiting : pending.values()) {
            if (now.isAfter(waiting.command().deadline()) && pending.remove(waiting.command().id(), waiting)) {
                remember(waiting.command().id(), false);
                waiting.outcome().complete(new CommandResult(waiting.command().id(), CommandState.EXPIRED,
                        "no acknowledgement before the deadline " + waiting.command().deadline(), now));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- commands

    /**
     * Sends a command to the device that owns its target. Completes with the device's answer; REJECTED at once
     * when no known device owns the target; FAILED at once when the broker is not connected or the client
     * refuses the message. The runtime ends the command EXPIRED at its deadline if no answer came.
     */
    public CompletionStage<CommandResult> execute(Command command) {
        Instant now = clock.instant();
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
            connection.publish(topics.command(device, command.id()), commandJson(command), 1, false, expirySeconds);
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
    public Optional<String> ownerOf(EntityId entity) {
        Optional<String> assigned = settings.registry().owner(entity);
        if (assigned.isPresent()) {
            return assigned;
        }
        return devices.contains(entity.localId()) ? Optional.of(entity.localId()) : Optional.empty();
    }

    private byte[] commandJson(Command command) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", command.id());
        json.put("target", command.target().toString());
        json.put("action", command.action());
        Map<String, Object> parameters = new LinkedHashMap<>();
        command.parameters().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(p -> parameters.put(p.getKey(), p.getValue().asObject()));
        json.put("parameters", parameters);
        json.put("deadline", command.deadline().toString());
        try {
            return this.json.write(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write command " + command.id() + " as JSON", e);
        }
    }

    private static CompletionStage<CommandResult> done(Command command, CommandState state, String reason, Instant now) {
        return CompletableFuture.completedFuture(new CommandResult(command.id(), state, reason, now));
    }

    /** Fails every command still waiting for its device; used when the bridge stops. */
    public void failPending(String reason) {
        Instant now = clock.instant();
        for (Pending waiting : List.copyOf(pending.values())) {
            if (pending.remove(waiting.command().id(), waiting)) {
                waiting.outcome().complete(new CommandResult(waiting.command().id(), CommandState.FAILED, reason, now));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- directory

    @Override
    public BridgeInfo bridge() {
        return new BridgeInfo(true, outbound.isConnected(), broker, clientId, settings.site(), messages.sum(),
                unroutable.sum(), acksLate.sum(), acksDuplicate.sum(), devices.size());
    }

    @Override
    public List<DeviceSnapshot> devices() {
        return devices.all().stream().map(this::snapshot).sorted(Comparator.comparing(DeviceSnapshot::id)).toList();
    }

    @Override
    public Optional<DeviceSnapshot> device(String deviceId) {
        DeviceStatus device = devices.get(deviceId);
        return device == null ? Optional.empty() : Optional.of(snapshot(device));
    }

    private DeviceSnapshot snapshot(DeviceStatus device) {
        return device.snapshot(settings.registry().assigned(device.id()), settings.defaultInterval());
    }
}
