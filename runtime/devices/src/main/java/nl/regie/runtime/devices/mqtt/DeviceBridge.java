package nl.regie.runtime.devices.mqtt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.runtime.devices.senml.SenmlParser;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.metrics.LatencyHistogram;
import nl.regie.runtime.statefiles.StateFiles;

import org.osgi.service.log.Logger;

/**
 * The device bridge: turns what devices send over MQTT into readings on the bus, keeps track of their presence,
 * and carries commands to them. Plain Java, without Paho or a framework: {@link PahoConnection} feeds it with
 * {@link #onMessage} and is its {@link MqttOutbound}; tests feed it directly.
 *
 * <p>The bridge routes each message by its topic ({@link Topics}) to the part that handles its kind, and owns what
 * the parts share: the devices it knows ({@link KnownDevices}, offered as the {@link DeviceDirectory}), the entity
 * types of device-backed entities ({@link EntityTypes}), and how a refused message is recorded ({@link Rejections}).
 * <ul>
 * <li>Telemetry, {@code .../dev/{d}/tele}: {@link DeviceTelemetry} turns a SenML pack into readings, after
 * {@link RecordNames} checked that the device may report on every entity named in it, and that no reading is dated
 * further ahead of the runtime's clock than the {@linkplain BridgeSettings#futureTolerance() tolerance}.</li>
 * <li>Presence, {@code .../dev/{d}/state}: {@link DevicePresence} handles births ({@link Birth}), wills and
 * staleness; any other message from a device that is not online makes it online again.</li>
 * <li>Commands, {@link #execute} and {@code .../dev/{d}/ack/{commandId}}: {@link DeviceCommands} sends them and
 * ends them on the device's {@link Acknowledgement} or at their deadline.</li>
 * </ul>
 * A device id becomes a known device only with a valid message (accepted telemetry or a valid birth); the messages of
 * an id that never sent one are counted in {@link UnknownDeviceIds} (bounded, logged once a minute for all of them),
 * and it becomes no entity and is never online. A message on a malformed topic or device id, or from a device beyond
 * the {@link BridgeSettings#maxDevices() limit}, is attributed to no device: it is counted as unroutable and logged at
 * most once a minute.
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

    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private final BridgeSettings settings;
    private final Topics topics;
    private final Clock clock;
    private final Logger log;
    private final KnownDevices devices;
    private final EntityTypes entityTypes;
    private final Rejections rejections;
    private final UnknownDeviceIds unknown;
    private final DeviceTelemetry telemetry;
    private final DevicePresence presence;
    private final DeviceCommands commands;

    private final LongAdder messages = new LongAdder();
    private final LatencyHistogram ingestLatency = new LatencyHistogram();
    private final LongAdder unroutable = new LongAdder();
    private final Object unroutableLogLock = new Object();
    private Instant unroutableLogged;
    private long unroutableSuppressed;

    /** Where the devices are kept, or null (in memory only). */
    private volatile DeviceFiles files;

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
        this(settings, sink, clock, log, event -> { });
    }

    /**
     * Creates a bridge that also writes each refused message to {@code audit} (as often as it logs one: at most once
     * a minute per device, with a count of those left out).
     */
    public DeviceBridge(BridgeSettings settings, ReadingSink sink, Clock clock, Logger log, AuditLog audit) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = new Topics(settings.site());
        Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
        DeviceRegistry registry = settings.registry();
        DeviceJson json = new DeviceJson();
        this.devices = new KnownDevices(registry, settings.maxDevices());
        this.entityTypes = new EntityTypes(log);
        this.unknown = new UnknownDeviceIds(settings.maxUnknownDevices(), log);
        this.rejections = new Rejections(log, audit, device -> devices.get(device.id()) == device, unknown);
        this.telemetry = new DeviceTelemetry(new SenmlParser(settings.senmlLimits()), new RecordNames(registry),
                settings.futureTolerance(), sink, rejections);
        this.presence = new DevicePresence(settings, devices, json, entityTypes, sink, rejections);
        this.commands = new DeviceCommands(topics, registry, devices, json, rejections);
        for (String device : registry.devices()) {
            registry.assigned(device).forEach(e -> entityTypes.learn(e.type()));
        }
    }

    /** The MQTT topic filters the bridge must be subscribed to. */
    public List<String> topicFilters() {
        return topics.filters();
    }

    /** Sets where commands are published, and the broker and client id shown by {@link #bridge()}. */
    public void attach(MqttOutbound connection, String brokerUrl, String mqttClientId) {
        commands.sendThrough(connection);
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
        long arrived = System.nanoTime();
        Instant now = clock.instant();
        messages.increment();
        Topics.Parsed parsed;
        try {
            parsed = topics.parse(topic);
        } catch (IllegalArgumentException e) {
            unroutable(now, e.getMessage());
            return;
        }
        DeviceStatus device = devices.get(parsed.device());
        try {
            if (device == null) {
                newcomer(parsed, topic, payload, now, arrived);
                return;
            }
            switch (parsed.kind()) {
                case TELEMETRY -> {
                    presence.heard(device, now);
                    if (telemetry.accept(device, topic, payload, now)) {
                        ingestLatency.record(System.nanoTime() - arrived);
                    }
                }
                case STATE -> presence.onState(device, topic, payload, now);
                case ACK -> {
                    presence.heard(device, now);
                    commands.onAck(device, parsed.commandId(), topic, payload, now);
                }
                default -> throw new IllegalStateException(parsed.kind().name());
            }
        } catch (RuntimeException e) {
            log.error("Device {}: unexpected failure handling a message on {}", parsed.device(), topic, e);
            DeviceStatus known = devices.get(parsed.device());
            rejections.reject(known != null ? known : new DeviceStatus(parsed.device()), parsed.kind(), topic, payload,
                    "internal error: " + e, now);
        }
    }

    /**
     * Readings of a device's pack that an edge runtime checked and forwarded ({@link EdgeIntake}): published as the
     * device's, as if the pack had come in here (the device becomes known, is heard, and its readings are located
     * where its birth said it is). Never throws.
     */
    void forwarded(EdgeWire.Forwarded pack) {
        Instant now = clock.instant();
        messages.increment();
        DeviceStatus device = devices.get(pack.device());
        if (device == null) {
            device = adopt(pack.device(), "the edge topic of " + pack.device(), now);
            if (device == null) {
                return;
            }
        }
        presence.heard(device, now);
        Location location = device.location();
        Reading[] readings = new Reading[pack.readings().size()];
        for (int i = 0; i < readings.length; i++) {
            Reading r = pack.readings().get(i);
            readings[i] = location == null ? r : new Reading(r.entity(), r.attribute(), r.value(), r.unit(),
                    r.observedAt(), r.receivedAt(), r.source(), location);
        }
        telemetry.publish(device, readings);
    }

    /**
     * A message from a device the bridge does not know yet. Only a valid message makes it known (accepted telemetry,
     * or a valid birth); anything else is counted in {@link UnknownDeviceIds}, and the device becomes no entity and is
     * never online.
     */
    private void newcomer(Topics.Parsed parsed, String topic, byte[] payload, Instant now, long arrived) {
        String id = parsed.device();
        switch (parsed.kind()) {
            case TELEMETRY -> {
                DeviceStatus candidate = new DeviceStatus(id);
                Reading[] readings = telemetry.read(candidate, topic, payload, now);
                DeviceStatus device = readings == null ? null : adopt(id, topic, now);
                if (device != null) {
                    presence.heard(device, now);
                    telemetry.publish(device, readings);
                    ingestLatency.record(System.nanoTime() - arrived);
                }
            }
            case STATE -> {
                String problem = presence.notABirth(id, payload);
                if (problem != null) {
                    unknown.refused(id, Topics.Kind.STATE, topic, problem, now);
                    return;
                }
                DeviceStatus device = adopt(id, topic, now);
                if (device != null) {
                    presence.onState(device, topic, payload, now);
                }
            }
            case ACK -> unknown.refused(id, Topics.Kind.ACK, topic,
                    "an acknowledgement from a device that never sent a valid message: no command went to it", now);
            default -> throw new IllegalStateException(parsed.kind().name());
        }
    }

    /** The device, known from now on; null (counted as unroutable) if the bridge knows as many devices as it may. */
    private DeviceStatus adopt(String id, String topic, Instant now) {
        DeviceStatus device = devices.track(id);
        if (device == null) {
            unroutable(now, "device " + id + " is beyond the " + settings.maxDevices()
                    + " devices the bridge keeps track of (message on " + topic + " dropped)");
            return null;
        }
        unknown.forget(id);
        return device;
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
        commands.expire(now);
        DeviceFiles kept = files;
        if (kept != null) {
            kept.flush();
        }
    }

    // ---------------------------------------------------------------------------------------------- kept on disk

    /**
     * Loads the devices kept in {@code folder} (each with its last known presence, announcing nothing on the bus) and
     * keeps them there from now on: a change of presence at once, the rest at each {@link #checkPresence()}. Call
     * before the first message.
     *
     * @throws IOException if the folder cannot be created or listed
     */
    public StateFiles.Recovery keepIn(Path folder, StateFiles.Log log) throws IOException {
        DeviceFiles kept = new DeviceFiles(devices, entityTypes, clock);
        StateFiles.Recovery recovery = kept.open(folder, log);
        if (kept.dropped() > 0) {
            log.write(StateFiles.Log.Level.WARN, kept.dropped() + " devices kept in " + folder + " are beyond the "
                    + settings.maxDevices() + " devices the bridge keeps track of; they were left out");
        }
        presence.onChange(kept::changed);
        files = kept;
        return recovery;
    }

    /** Writes what changed and a last snapshot of the devices, if they are kept; when the bridge stops. */
    public void closeFiles() {
        DeviceFiles kept = files;
        if (kept != null) {
            kept.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- commands

    /**
     * Sends a command to the device that owns its target. Completes with the device's answer; REJECTED at once
     * when no known device owns the target; FAILED at once when the broker is not connected or the client
     * refuses the message. The runtime ends the command EXPIRED at its deadline if no answer came.
     */
    public CompletionStage<CommandResult> execute(Command command) {
        return commands.execute(command, clock.instant());
    }

    /** The device that receives commands for an entity: the registry's, else a known device named like its local id. */
    public Optional<String> ownerOf(EntityId entity) {
        return commands.ownerOf(entity);
    }

    /** Fails every command still waiting for its device; used when the bridge stops. */
    public void failPending(String reason) {
        commands.failPending(reason, clock.instant());
    }

    // ---------------------------------------------------------------------------------------------- directory

    @Override
    public BridgeInfo bridge() {
        return new BridgeInfo(true, commands.connected(), broker, clientId, settings.site(), messages.sum(),
                unroutable.sum(), commands.acksLate(), commands.acksDuplicate(), devices.size());
    }

    @Override
    public Optional<LatencyHistogram.Snapshot> ingestLatency() {
        return Optional.of(ingestLatency.snapshot());
    }

    @Override
    public DeviceDirectory.UnknownDevices unknownDevices() {
        return unknown.counts();
    }

    @Override
    public List<DeviceSnapshot> devices() {
        return devices.all().stream().map(this::snapshot).sorted(Comparator.comparing(DeviceSnapshot::id)).toList();
    }

    @Override
    public List<DeviceSnapshot> devices(String after, int limit) {
        return devices.all().stream().filter(d -> after == null || d.id().compareTo(after) > 0)
                .sorted(Comparator.comparing(DeviceStatus::id)).limit(limit).map(this::snapshot).toList();
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
