package nl.regie.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

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
 * launcher's default set-up the simulator shares its process with the embedded broker and the runtime, so a crash takes
 * them down too and a will would reach nobody; wills matter with an external broker, where
 * {@link SimulatorSettings#withConnections} can give every device its own connection.
 *
 * <h2>Quality of service</h2>
 * Births, offline states, acknowledgements and (by default) telemetry are QoS 1: the broker acknowledges each.
 * For a very large city on a broker that cannot keep up, {@link SimulatorSettings#telemetryQos()} 0 drops the
 * acknowledgement round trip for telemetry, at the risk of losing a pack. Each connection hands at most
 * {@link Outbox#WINDOW} messages to Paho at a time and queues the rest, boundedly (dropping the oldest
 * telemetry pack first, counted).
 *
 * <h2>Threads and memory</h2>
 * Two daemon threads run the whole city ({@link SimulatorThreads}): {@code regie-simulator} (the models, all
 * publishing, all commands: the models are confined to it and need no locks) and {@code regie-simulator-ping} (the
 * connections' keep-alive pings); plus Paho's three per connection. Nothing runs per device: a device is a few
 * fields and a periodic task, a few hundred bytes. Measured against Mosquitto (in its own process): 10,000 devices
 * started in under half a second on 50 connections and 152 threads, and held about 7 MB of heap while publishing
 * 5,000 packs a second. While the broker is unreachable each connection queues at most five messages per device.
 *
 * <h2>Parts</h2>
 * This class starts and stops the city; {@link Telemetry} schedules the reports, {@link CommandHandler} answers
 * commands, {@link LinkPool} holds the connections, each a {@link MqttLink} with its {@link Outbox}, and
 * {@link Births} writes the state messages.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread; close is idempotent.
 */
public final class CitySimulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CitySimulator.class.getName());
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private enum State { NEW, CONNECTED, RUNNING, CLOSED }

    private final SimulatorSettings settings;
    private final City city;
    private final Consumer<String> warnings;
    private final Births births;

    private State state = State.NEW;
    private SimulatorThreads threads;
    private Telemetry telemetry;
    private CommandHandler commands;
    private LinkPool pool;
    private SimClock clock;

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
        this.births = new Births(settings.wallInterval().toNanos() / 1e9);
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
        start(brokerUrl, site, null);
    }

    /**
     * Like {@link #start(String, String)}, for a broker that asks its clients to log in: every connection logs in
     * with {@code login} (none when it is {@code null}).
     *
     * @throws IllegalStateException also when the broker refuses the login
     */
    public void start(String brokerUrl, String site, BrokerLogin login) {
        connect(brokerUrl, site, login);
        run();
    }

    /**
     * The first half of {@link #start(String, String, BrokerLogin)}: connects every link and subscribes to the
     * commands, and returns once all are up, without a birth or a pack yet ({@link #run} sends them). A launcher
     * connects while the runtime is still starting, and runs the city once the runtime listens, so that no birth
     * and no first pack is sent before anyone can take it.
     *
     * @throws IllegalArgumentException for a malformed URL or site
     * @throws IllegalStateException if the broker cannot be reached or refuses the login, or if the simulator was
     *     connected or closed before
     */
    public void connect(String brokerUrl, String site, BrokerLogin login) {
        if (brokerUrl == null || brokerUrl.isBlank()) {
            throw new IllegalArgumentException("the MQTT broker URL is missing");
        }
        if (!Topics.validSite(site)) {
            throw new IllegalArgumentException("the site must be a topic level (not empty, no '/', '+' or '#'), not \""
                    + site + "\"");
        }
        synchronized (this) {
            if (state != State.NEW) {
                throw new IllegalStateException(state == State.CLOSED ? "the simulator has been closed"
                        : "the simulator is connected already");
            }
            threads = new SimulatorThreads();
            Topics topics = new Topics(site);
            // Before connecting: a command may arrive as soon as a link has subscribed.
            // Simulated time starts with the city's first words (run), not when it connects.
            clock = SimClock.stopped(city.origin(), settings.speed());
            telemetry = new Telemetry(city, clock, topics, settings.telemetryQos(), settings.wallInterval(),
                    threads.scheduler(), warnings);
            commands = new CommandHandler(settings, clock, topics, telemetry, threads.scheduler());
            try {
                pool = new LinkPool(brokerUrl, site, settings, city.devices(), topics, threads, births, commands, warnings);
                pool.connect(brokerUrl, login);
            } catch (RuntimeException e) {
                shutDown();
                state = State.CLOSED;
                throw e;
            }
            state = State.CONNECTED;
        }
    }

    /**
     * The second half of {@link #start(String, String, BrokerLogin)}: sends every device's birth and starts publishing.
     *
     * @throws IllegalStateException unless {@link #connect} has succeeded and nothing ran or closed it since
     */
    public synchronized void run() {
        if (state != State.CONNECTED) {
            throw new IllegalStateException(switch (state) {
                case NEW -> "the simulator is not connected";
                case RUNNING -> "the simulator is running already";
                default -> "the simulator has been closed";
            });
        }
        state = State.RUNNING;
        clock.start();
        threads.scheduler().execute(pool::sendBirths);
        telemetry.start();
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
        State was;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            was = state;
            state = State.CLOSED;
        }
        if (was == State.NEW) {
            return;
        }
        if (was == State.CONNECTED) {
            // Connected, never run: no device was born, so none says it is offline.
            shutDown();
            return;
        }
        telemetry.stop();
        commands.stop();
        CompletableFuture<Void> offline = new CompletableFuture<>();
        try {
            threads.scheduler().execute(() -> pool.goOffline().whenComplete((ok, e) -> offline.complete(null)));
            offline.get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            warnings.accept("simulator: the broker did not take every device's offline state within "
                    + DRAIN_TIMEOUT.toSeconds() + " s; stopping anyway");
        } catch (ExecutionException | RuntimeException e) {
            warnings.accept("simulator: not every device could say it is offline before stopping ("
                    + Failures.reason(e) + ")");
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

    List<MqttLink> links() {
        return pool != null ? pool.links() : List.of();
    }

    long reports() {
        return telemetry != null ? telemetry.reports() : 0;
    }

    long commands() {
        return commands != null ? commands.commands() : 0;
    }

    private String speed() {
        double speed = settings.speed();
        return speed == Math.rint(speed) ? Long.toString((long) speed) : Double.toString(speed);
    }

    /** Disconnects every link, then stops the threads. */
    private void shutDown() {
        if (pool != null) {
            pool.close();
        }
        threads.stop(warnings);
    }
}
