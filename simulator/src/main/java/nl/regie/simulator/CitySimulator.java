package nl.regie.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The simulated city: bins, streetlights and their group controllers, crowd and traffic counters and water
 * gauges around Amsterdam's centre, which publish over MQTT what they measure and answer commands, following
 * Regie's device topics ({@code regie/v1/{site}/dev/{d}/...}).
 *
 * <h2>What each device does</h2>
 * Each device reports a SenML pack (RFC 8428) on {@code .../tele} every few simulated minutes (see
 * {@link SimulatorSettings#reportEvery()}); record names resolve to {@code {entity URN}:{attribute}}, the base
 * time is the simulated observation time. Its birth, retained on {@code .../state}, says its type, its entity,
 * its location and the wall-clock interval between its packs. Streetlights and group controllers take
 * {@code dim} and {@code switch} commands on {@code .../cmd/{commandId}} and answer on {@code .../ack/{commandId}};
 * a configurable share of valid commands is rejected with a reason, another is acknowledged only after its
 * deadline; a command that is malformed, aimed at another entity, past its deadline or not understood is
 * rejected with a reason that says so. Command deadlines are wall-clock times, as the runtime keeps them.
 * What the models do is told in {@link WasteBin}, {@link Streetlight}, {@link StreetlightGroup},
 * {@link CrowdCounter}, {@link TrafficCounter} and {@link WaterGauge}; the layout in {@link City}.
 *
 * <h2>Time</h2>
 * Simulated time is the start time plus the wall-clock time elapsed times the speed. Reports are spread evenly
 * over the interval, so the broker sees a steady stream rather than bursts; a city-wide ceiling on packs per
 * second stretches the wall-clock interval when many devices run fast (the packs keep their simulated times).
 *
 * <h2>Connections: dedicated or shared</h2>
 * A connection per device is what a real city has, and it gives each device a real MQTT will: if the simulator
 * dies, the broker itself publishes {@code {"online": false}} for the device. But a Paho client costs three
 * threads (receiver, sender, callback) and their buffers: measured here, 120 connections added 362 threads and
 * about 110-140 MB of resident memory, more than the rest of the launcher. So only up to
 * {@link SimulatorSettings#maxDedicatedConnections()} devices (10 by default) get a connection each; a larger city
 * shares connections, one per {@value SimulatorSettings#DEVICES_PER_SHARED_CONNECTION} devices and at most
 * {@link SimulatorSettings#maxConnections()} (50 by default): the default city of 120 devices runs on one
 * connection, 10,000 devices on 50. A shared connection publishes for all its devices and subscribes to the
 * command topics of exactly those devices, so a command reaches one connection only.
 *
 * <p>The price: a connection has one will, not one per device, so devices on shared connections have none. A clean
 * {@link #close()} still publishes {@code {"online": false}} (retained) for every device; after a crash the
 * runtime tells they are gone from their silence, since each birth says how often to expect a pack. In the
 * default set-up the simulator shares its process with the embedded broker and the runtime, so a crash takes
 * them down too and a will would reach nobody; wills matter with an external broker, where
 * {@link SimulatorSettings#withConnections} can give every device its own connection.
 *
 * <h2>Quality of service</h2>
 * Births, offline states, acknowledgements and (by default) telemetry are QoS 1: the broker acknowledges each.
 * For a very large city on a broker that cannot keep up, {@link SimulatorSettings#telemetryQos()} 0 drops the
 * acknowledgement round trip for telemetry, at the risk of losing a pack. Each connection hands at most
 * {@link MqttLink#WINDOW} messages to Paho at a time and queues the rest, boundedly (dropping the oldest
 * telemetry pack first, counted).
 *
 * <h2>Threads and memory</h2>
 * Two daemon threads run the whole city: {@code regie-simulator} (the models, all publishing, all commands: the
 * models are confined to it and need no locks) and {@code regie-simulator-ping} (the connections' keep-alive
 * pings); plus Paho's three per connection. Nothing runs per device: a device is a few fields and a periodic
 * task, a few hundred bytes. Measured against Mosquitto (in its own process): 10,000 devices started in under
 * half a second on 50 connections and 152 threads, and held about 7 MB of heap while publishing 5,000 packs a
 * second. While the broker is unreachable each connection queues at most five messages per device.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread; close is idempotent.
 */
public final class CitySimulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CitySimulator.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> REFUSALS = List.of(
            "controller busy, try again later",
            "no answer from the lamp driver",
            "command queue of the controller is full");

    private enum State { NEW, RUNNING, CLOSED }

    private final SimulatorSettings settings;
    private final City city;
    private final Consumer<String> warnings;
    private final SplittableRandom acks;
    private final Births births;
    private final Duration wallInterval;

    private State state = State.NEW;
    private volatile boolean closing;
    private ScheduledThreadPoolExecutor scheduler;
    private ScheduledThreadPoolExecutor pinger;
    private List<MqttLink> links = List.of();
    /** The links that lost their connection and have not reconnected yet (scheduler thread only). */
    private final Set<MqttLink> down = new HashSet<>();
    private Topics topics;
    private volatile SimClock clock;

    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();

    /** A simulator for {@code settings}; nothing runs until {@link #start}. Problems are logged. */
    public CitySimulator(SimulatorSettings settings) {
        this(settings, null);
    }

    /**
     * A simulator for {@code settings} that tells {@code warnings} what an operator should know (a connection
     * lost or regained, a message the broker refused); {@code null} logs them through {@link System.Logger}.
     */
    public CitySimulator(SimulatorSettings settings, Consumer<String> warnings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.warnings = warnings != null ? warnings : message -> LOG.log(System.Logger.Level.WARNING, message);
        long origin = settings.clockStart() != null ? settings.clockStart().toEpochMilli() : System.currentTimeMillis();
        this.city = City.build(settings.devices(), settings.seed(), origin);
        this.acks = new SplittableRandom(Patterns.mix(settings.seed() ^ 0xACCL));
        this.wallInterval = settings.wallInterval();
        this.births = new Births(wallInterval.toNanos() / 1e9);
    }

    /**
     * Connects the devices to the broker at {@code brokerUrl} ({@code tcp://host:port}, or {@code ssl://...}), sends
     * their births and starts publishing; returns once all connections are up and subscribed, within about ten
     * seconds at most.
     *
     * @param site the site (city) in the topics: not empty, no '/', '+' or '#'
     * @throws IllegalArgumentException for a malformed URL or site
     * @throws IllegalStateException if the broker cannot be reached (the message says where and why), or if the
     *     simulator was started or closed before
     */
    public void start(String brokerUrl, String site) {
        if (brokerUrl == null || brokerUrl.isBlank()) {
            throw new IllegalArgumentException("the MQTT broker URL is missing");
        }
        if (!Topics.validSite(site)) {
            throw new IllegalArgumentException("the site must be a topic level (not empty, no '/', '+' or '#'), not \""
                    + site + "\"");
        }
        synchronized (this) {
            if (state != State.NEW) {
                throw new IllegalStateException(state == State.RUNNING ? "the simulator is running already"
                        : "the simulator has been closed");
            }
            scheduler = executor("regie-simulator");
            pinger = executor("regie-simulator-ping");
            topics = new Topics(site);
            // Before connecting: a command may arrive as soon as a link has subscribed.
            clock = new SimClock(city.origin(), settings.speed());
            try {
                links = createLinks(brokerUrl, site);
                connect(brokerUrl);
            } catch (RuntimeException e) {
                shutDown();
                state = State.CLOSED;
                throw e;
            }
            state = State.RUNNING;
            scheduler.execute(() -> links.forEach(link -> link.sendBirths(births)));
            schedule();
        }
    }

    /** One line on what runs, e.g. "simulator: 120 devices, time x60 (46 bins, ...; 1 MQTT connection)". */
    public String summary() {
        int connections = settings.connections();
        return "simulator: " + settings.devices() + (settings.devices() == 1 ? " device" : " devices") + ", time x"
                + speed() + " (" + city.describe() + "; " + connections + " MQTT connection"
                + (connections == 1 ? "" : "s") + ")";
    }

    /**
     * Stops publishing, sends {@code {"online": false}} (retained) for every device and waits up to five seconds
     * for the broker to take it, then disconnects and stops every thread it started. Safe to call more than
     * once, and before {@link #start}.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            boolean running = state == State.RUNNING;
            state = State.CLOSED;
            closing = true;
            if (!running) {
                return;
            }
        }
        CompletableFuture<Void> offline = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                List<CompletableFuture<Void>> drained = new ArrayList<>();
                links.forEach(link -> drained.add(link.goOffline()));
                CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> offline.complete(null));
            });
            offline.get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            warnings.accept("simulator: the broker did not take every device's offline state within "
                    + DRAIN_TIMEOUT.toSeconds() + " s; stopping anyway");
        } catch (ExecutionException | RuntimeException e) {
            warnings.accept("simulator: not every device could say it is offline before stopping ("
                    + MqttLink.reason(e) + ")");
        }
        shutDown();
    }

    /** The settings it runs with. */
    public SimulatorSettings settings() {
        return settings;
    }

    // For tests and diagnostics.

    List<SimDevice> devices() {
        return city.devices();
    }

    City city() {
        return city;
    }

    List<MqttLink> links() {
        return links;
    }

    long reports() {
        return reports.get();
    }

    long commands() {
        return commands.get();
    }

    /** Simulated time now, or the start time before {@link #start}. */
    long simulatedNow() {
        SimClock current = clock;
        return current != null ? current.now() : city.origin();
    }

    private List<MqttLink> createLinks(String brokerUrl, String site) {
        List<SimDevice> devices = city.devices();
        int count = settings.connections();
        List<List<SimDevice>> groups = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            groups.add(new ArrayList<>(devices.size() / count + 1));
        }
        for (int i = 0; i < devices.size(); i++) {
            groups.get(i % count).add(devices.get(i));
        }
        List<MqttLink> created = new ArrayList<>(count);
        MqttLink.Host host = new MqttLink.Host() {
            @Override
            public void command(MqttLink link, SimDevice device, String commandId, byte[] payload) {
                onCommand(link, device, commandId, payload);
            }

            @Override
            public void lost(MqttLink link, String reason) {
                // One line for an outage, however many connections it takes down.
                if (down.isEmpty()) {
                    warnings.accept("simulator: lost its connection to the MQTT broker (" + reason + "); reconnecting");
                }
                down.add(link);
            }

            @Override
            public void reconnected(MqttLink link) {
                try {
                    link.subscribe();
                } catch (MqttException e) {
                    warnings.accept("simulator: " + link.clientId() + " cannot subscribe to its commands: "
                            + MqttLink.reason(e));
                }
                link.sendBirths(births);
                if (down.remove(link) && down.isEmpty()) {
                    warnings.accept("simulator: reconnected to the MQTT broker" + (links.size() > 1
                            ? " (all " + links.size() + " connections)" : ""));
                }
            }

            @Override
            public void warn(String message) {
                warnings.accept(message);
            }
        };
        try {
            for (int i = 0; i < count; i++) {
                List<SimDevice> group = groups.get(i);
                String clientId = settings.dedicatedConnections() ? "sim-" + site + "-" + group.get(0).id()
                        : String.format("sim-%s-link-%02d", site, i + 1);
                created.add(new MqttLink(brokerUrl, clientId, topics, group, scheduler, pinger, host));
            }
        } catch (MqttException | IllegalArgumentException e) {
            created.forEach(MqttLink::close);
            throw new IllegalArgumentException("not a usable MQTT broker URL: \"" + brokerUrl + "\" ("
                    + MqttLink.reason(e) + ")", e);
        }
        return Collections.unmodifiableList(created);
    }

    /** Connects and subscribes every link, all at once; throws unless all succeed within the timeout. */
    private void connect(String brokerUrl) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        boolean plainTcp = brokerUrl.startsWith("tcp://");
        try {
            List<IMqttToken> tokens = new ArrayList<>(links.size());
            for (MqttLink link : links) {
                tokens.add(link.connect(plainTcp));
            }
            await(tokens, deadline);
            tokens.clear();
            for (MqttLink link : links) {
                tokens.addAll(link.subscribe());
            }
            await(tokens, deadline);
            for (IMqttToken token : tokens) {
                for (int code : token.getReasonCodes()) {
                    if (code >= 0x80) {
                        throw new IllegalStateException("the MQTT broker at " + brokerUrl
                                + " refused the simulator's command subscriptions (reason code 0x"
                                + Integer.toHexString(code) + ")");
                    }
                }
            }
        } catch (MqttException e) {
            throw new IllegalStateException("cannot reach the MQTT broker at " + brokerUrl + ": " + MqttLink.reason(e), e);
        }
    }

    private static void await(List<IMqttToken> tokens, long deadline) throws MqttException {
        for (IMqttToken token : tokens) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT,
                        new TimeoutException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s"));
            }
            token.waitForCompletion(left);
            if (token.getException() != null) {
                throw token.getException();
            }
            if (!token.isComplete()) {
                throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT,
                        new TimeoutException("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s"));
            }
        }
    }

    /** Every device reports at a fixed rate, the devices spread evenly over the interval; the city checks for fires. */
    private void schedule() {
        long period = wallInterval.toNanos();
        List<SimDevice> devices = city.devices();
        for (int i = 0; i < devices.size(); i++) {
            SimDevice device = devices.get(i);
            long phase = period * i / devices.size();
            scheduler.scheduleAtFixedRate(() -> report(device), phase, period, TimeUnit.NANOSECONDS);
        }
        long fireCheck = Math.min(period, TimeUnit.SECONDS.toNanos(1));
        scheduler.scheduleAtFixedRate(this::fires, fireCheck, fireCheck, TimeUnit.NANOSECONDS);
    }

    private void report(SimDevice device) {
        if (closing) {
            return;
        }
        try {
            long now = clock.now();
            device.advanceTo(now);
            device.link.send(topics.telemetry(device.id()), device.telemetry(now).toJson(), settings.telemetryQos(),
                    false, true);
            reports.incrementAndGet();
        } catch (RuntimeException e) {
            // A bug in a model must not stop the device's schedule (an exception would cancel it).
            warnings.accept("simulator: " + device.id() + " failed to report: " + e);
        }
    }

    private void fires() {
        if (closing) {
            return;
        }
        try {
            for (WasteBin bin : city.nextFire(clock.now())) {
                report(bin); // A fire is an event: the sensor reports at once.
            }
        } catch (RuntimeException e) {
            warnings.accept("simulator: the fire model failed: " + e);
        }
    }

    private void onCommand(MqttLink link, SimDevice device, String commandId, byte[] payload) {
        if (closing) {
            return;
        }
        commands.incrementAndGet();
        Instant deadline = null;
        SimDevice.Outcome outcome;
        boolean ackLate = false;
        try {
            Object parsed = JsonCodec.parse(payload);
            if (!(parsed instanceof Map<?, ?> command)) {
                throw new IllegalArgumentException("a command is a JSON object");
            }
            deadline = deadline(command.get("deadline"));
            outcome = check(device, commandId, command, deadline);
            if (outcome == null) {
                double roll = acks.nextDouble();
                if (roll < settings.ackRejectShare()) {
                    outcome = SimDevice.Outcome.rejected(REFUSALS.get(acks.nextInt(REFUSALS.size())));
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parameters = command.get("parameters") == null ? Map.of()
                            : (Map<String, Object>) command.get("parameters");
                    long now = clock.now();
                    device.advanceTo(now);
                    outcome = device.execute((String) command.get("action"), parameters, now);
                    ackLate = outcome.completed() && deadline != null
                            && roll < settings.ackRejectShare() + settings.ackLateShare();
                }
            }
        } catch (IllegalArgumentException e) {
            outcome = SimDevice.Outcome.rejected("malformed command: " + e.getMessage());
        }

        String ackTopic = topics.ack(device.id(), commandId);
        String ack = outcome.toJson();
        if (ackLate) {
            long delay = Math.max(0, Duration.between(Instant.now(), deadline).toMillis()) + 500 + acks.nextInt(1500);
            scheduler.schedule(() -> {
                if (!closing) {
                    link.send(ackTopic, ack, 1, false, false);
                }
            }, delay, TimeUnit.MILLISECONDS);
        } else {
            link.send(ackTopic, ack, 1, false, false);
        }
        if (outcome.completed()) {
            // A controller reports its new state at once.
            for (SimDevice changed : device.affectedBy()) {
                report(changed);
            }
            if (!device.affectedBy().contains(device)) {
                report(device);
            }
        }
    }

    /** What is wrong with a command for {@code device}, or {@code null} if it can be carried out. */
    private static SimDevice.Outcome check(SimDevice device, String commandId, Map<?, ?> command, Instant deadline) {
        Object id = command.get("id");
        if (id != null && !commandId.equals(id)) {
            return SimDevice.Outcome.rejected("the command's id " + id + " is not the command id in its topic, "
                    + commandId);
        }
        Object target = command.get("target");
        if (!device.entity().equals(target)) {
            return SimDevice.Outcome.rejected(target == null ? "the command has no target"
                    : "target " + target + " is not served by device " + device.id() + " (it serves "
                            + device.entity() + ")");
        }
        if (!(command.get("action") instanceof String)) {
            return SimDevice.Outcome.rejected("the command has no action");
        }
        Object parameters = command.get("parameters");
        if (parameters != null && !(parameters instanceof Map)) {
            return SimDevice.Outcome.rejected("the command's parameters must be a JSON object");
        }
        if (deadline != null && Instant.now().isAfter(deadline)) {
            return SimDevice.Outcome.rejected("its deadline " + deadline + " has passed");
        }
        return null;
    }

    private static Instant deadline(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("the deadline must be an ISO-8601 date-time string");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the deadline \"" + text + "\" is not an ISO-8601 date-time with an offset");
        }
    }

    private String speed() {
        double speed = settings.speed();
        return speed == Math.rint(speed) ? Long.toString((long) speed) : Double.toString(speed);
    }

    /** Disconnects every link (all at once), then stops the threads. */
    private void shutDown() {
        List<IMqttToken> tokens = new ArrayList<>();
        for (MqttLink link : links) {
            if (link.connected()) {
                IMqttToken token = link.disconnect();
                if (token != null) {
                    tokens.add(token);
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (IMqttToken token : tokens) {
            try {
                token.waitForCompletion(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (MqttException e) {
                // Forced below.
            }
        }
        links.forEach(MqttLink::close);
        for (ScheduledThreadPoolExecutor executor : new ScheduledThreadPoolExecutor[] {scheduler, pinger}) {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
        try {
            for (ScheduledThreadPoolExecutor executor : new ScheduledThreadPoolExecutor[] {scheduler, pinger}) {
                if (executor != null && !executor.awaitTermination(2, TimeUnit.SECONDS)) {
                    warnings.accept("simulator: " + executor + " did not stop within 2 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ScheduledThreadPoolExecutor executor(String name) {
        AtomicInteger made = new AtomicInteger();
        ThreadFactory threads = work -> {
            Thread thread = new Thread(work, made.getAndIncrement() == 0 ? name : name + "-" + made.get());
            thread.setDaemon(true);
            return thread;
        };
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threads);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return executor;
    }
}
