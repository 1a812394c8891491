package nl.regie.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.alert.Alert;
import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.Reading;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.DeliveryReports;
import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifications;
import nl.regie.api.notify.Notifier;
import nl.regie.api.state.CityState;
import nl.regie.runtime.core.actuation.ActuationComponent;
import nl.regie.runtime.core.actuation.BundleActuation;
import nl.regie.runtime.core.alert.AlertService;
import nl.regie.runtime.core.alert.AlertStore;
import nl.regie.runtime.core.alert.BundleAlerts;
import nl.regie.runtime.core.bus.BundleBusView;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.limits.PluginQuota;
import nl.regie.runtime.core.notify.BundleDeliveryReports;
import nl.regie.runtime.core.notify.BundleNotifications;
import nl.regie.runtime.core.notify.NotificationDispatcher;
import nl.regie.runtime.core.notify.RecordingNotifier;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.core.scope.SinglePartyPolicy;
import nl.regie.runtime.core.state.BundleCityState;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.spi.alert.AlertFilter;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.log.Logger;

/**
 * A Regie runtime in memory for one plugin's unit tests: the runtime's own bus, city state, alerts, notifications and
 * actuation (the same classes, so topic filters, delivery order, the city state's {@code observedAt} rule, alert raise
 * and resolve, and command outcomes behave as they do in a running runtime), with the plugin's declared
 * {@code @PluginScope} enforced exactly as the runtime enforces it, and a {@linkplain TestClock clock} the test moves.
 *
 * <pre>{@code
 * try (RegieTestKit kit = RegieTestKit.forPlugin("com.example.parking")) {
 *     ParkingPlugin plugin = new ParkingPlugin(kit.bus(), kit.alerts(), kit.log().logger(),
 *             kit.config(ParkingPlugin.Config.class, Map.of("full.threshold", 0.9)));
 *     kit.listen(plugin);                                   // as the whiteboard subscribes it: its @ReadingTopics
 *     kit.publish(Reading.of(EntityId.of("ParkingSite", "p1"), "occupancy", Value.of(0.95), "/", "sensor-1"));
 *     kit.settle();                                         // every delivery done
 *     assertEquals("full", kit.alerts().active().get(0).subCategory());
 * }
 * }</pre>
 *
 * <p>The scope comes from the manifest bnd wrote for the plugin ({@code target/classes/META-INF/MANIFEST.MF}), so a
 * scope mistake fails the unit test the way it would fail in the runtime: a publish or a subscription outside the scope
 * throws {@code SecurityException}; a listener whose topics the scope does not cover is refused by {@link #listen}
 * (the runtime would ignore it with a warning); a command to a type outside the scope ends {@code REJECTED}.
 *
 * <p>Commands go to {@linkplain #drive drivers} the test plays (scripted per command, or held open until the test
 * answers), and {@link #commands()} lists what the plugin sent. A plugin's own timed work (retries, timeouts, periodic
 * plans) runs on {@link #scheduler()}, on the test clock, so a test moves time instead of waiting for it.
 */
public final class RegieTestKit implements AutoCloseable {

    /** How long {@link #settle} waits for the deliveries to end. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The service id of the kit's own last notifier, which counts each notification the dispatcher has handed to every
     * other notifier: the dispatcher calls notifiers in service id order, one notification after the other.
     */
    private static final long LAST_NOTIFIER = Long.MAX_VALUE;

    private final String symbolicName;
    private final TestClock clock;
    private final KitLog log;
    private final KitLog runtimeLog;
    private final BusEngine engine;
    private final CountingBus bus;
    private final CityStateComponent cityState;
    private final AlertService alertService;
    private final NotificationDispatcher dispatcher;
    private final ActuationComponent actuation;
    private final ScopeGuard guard;
    private final Owner plugin;
    private final ReadingBus pluginBus;
    private final CityState pluginState;
    private final Alerts pluginAlerts;
    private final Notifications pluginNotifications;
    private final TrackedActuation pluginActuation;
    private final List<TestDriver> drivers = new CopyOnWriteArrayList<>();
    private final List<Reading> published = Collections.synchronizedList(new ArrayList<>());
    private final List<Deletion> deleted = Collections.synchronizedList(new ArrayList<>());
    private final List<Notification> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<AuditEvent> refusals = Collections.synchronizedList(new ArrayList<>());
    private final List<Alert> alertChanges = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong driverIds = new AtomicLong();
    private final AtomicLong notifierIds = new AtomicLong(100);
    /** Notifications every notifier has been given (or failed, timed out, was withheld): see {@link #LAST_NOTIFIER}. */
    private final AtomicLong notificationsDone = new AtomicLong();
    private final RecordingNotifier recorder;
    private final DeliveryReports pluginDeliveryReports;

    private RegieTestKit(String symbolicName, String version, DeclaredScope scope, Instant start) {
        this.symbolicName = symbolicName;
        this.clock = new TestClock(start);
        this.log = new KitLog(symbolicName);
        this.runtimeLog = new KitLog("nl.regie.runtime");
        Logger runtime = runtimeLog.logger();
        this.engine = new BusEngine(BusSettings.defaults(), runtime);
        this.bus = new CountingBus(engine);
        Owner runtimeOwner = new Owner("nl.regie.runtime.core", "test-kit", 0);
        this.cityState = new CityStateComponent(bus, runtimeOwner);
        this.alertService = new AlertService(new AlertStore(), bus, cityState, clock, runtime);
        this.dispatcher = NotificationDispatcher.embedded(runtime);
        dispatcher.register(sent::add, 1, "nl.regie.testkit");
        this.recorder = new RecordingNotifier(runtime);
        dispatcher.register(recorder, 2, "nl.regie.runtime.core");
        dispatcher.register(notification -> notificationsDone.incrementAndGet(), LAST_NOTIFIER, "nl.regie.testkit");
        this.actuation = ActuationComponent.embedded(runtime, clock, clock.runtimeScheduler());
        ScopeGuards scopes = new ScopeGuards(new SinglePartyPolicy(), refusals::add, runtime, -1, clock);
        this.plugin = new Owner(symbolicName, version, 1);
        this.guard = scopes.forPlugin(plugin, scope);
        this.pluginBus = BundleBusView.of(bus, plugin, guard, PluginQuota.UNLIMITED, cityState);
        this.pluginState = BundleCityState.of(cityState, guard);
        this.pluginAlerts = new ChangeRecordingAlerts(BundleAlerts.of(alertService, symbolicName), alertChanges);
        this.pluginNotifications = BundleNotifications.of(dispatcher, symbolicName, clock);
        this.pluginDeliveryReports = BundleDeliveryReports.of(recorder, symbolicName);
        this.pluginActuation = new TrackedActuation(BundleActuation.of(actuation, guard, symbolicName));
        bus.subscribe(runtimeOwner, List.of("#"), new ReadingListener() {
            @Override
            public void onReading(Reading reading) {
                if (symbolicName.equals(reading.source())) {
                    published.add(reading);
                }
            }

            @Override
            public void onDelete(Deletion deletion) {
                if (symbolicName.equals(deletion.source())) {
                    deleted.add(deletion);
                }
            }
        }, 1_000_000);
    }

    /**
     * A kit for the plugin with this symbolic name, with the scope its manifest declares (found on the class path: run
     * the test through Maven, after bnd has written {@code target/classes/META-INF/MANIFEST.MF}). The test clock starts
     * at the wall clock's time now and stands still until the test moves it.
     *
     * @throws IllegalStateException when the manifest is not on the class path
     * @throws IllegalArgumentException when the declared scope is malformed (the runtime would let the plugin do nothing)
     */
    public static RegieTestKit forPlugin(String symbolicName) {
        PluginManifest manifest = PluginManifest.find(symbolicName, Thread.currentThread().getContextClassLoader());
        return new RegieTestKit(symbolicName, manifest.version(), manifest.scope(), Instant.now());
    }

    /**
     * A kit for a plugin with this scope, given here rather than read from a manifest (as {@code @PluginScope(reads,
     * publishes, actuates)} would declare it).
     */
    public static RegieTestKit forPlugin(String symbolicName, Collection<String> reads, Collection<String> publishes,
            Collection<String> actuates) {
        return new RegieTestKit(symbolicName, "0.0.0", DeclaredScope.of(reads, publishes, actuates), Instant.now());
    }

    // --- what the plugin gets -------------------------------------------------------------------------------

    /** The plugin's view of the bus: its publishes and subscriptions are checked against its scope. */
    public ReadingBus bus() {
        return pluginBus;
    }

    /** The plugin's view of the city state: only what its scope reads. */
    public CityState cityState() {
        return pluginState;
    }

    /** The plugin's alerts: it raises, updates and resolves its own. */
    public Alerts alerts() {
        return pluginAlerts;
    }

    /** The plugin's notifications. */
    public Notifications notifications() {
        return pluginNotifications;
    }

    /** The plugin's own delivery reports service: what a notifier plugin reports its outcomes to. */
    public DeliveryReports deliveryReports() {
        return pluginDeliveryReports;
    }

    /**
     * Registers a notifier of the plugin's with the runtime's dispatcher, as the runtime tracks a granted notifier:
     * from now on it gets every notification sent (on the runtime's notification thread, with its time limit).
     */
    public void notifier(Notifier notifier) {
        dispatcher.register(notifier, notifierIds.incrementAndGet(), symbolicName);
    }

    /** What notifiers reported of a notification sent through the kit, the latest per plugin and channel. */
    public List<DeliveryReport> deliveries(String notificationId) {
        return recorder.deliveries(notificationId).stream().map(d -> d.report()).toList();
    }

    /** The plugin's actuation: commands to types outside its scope end {@code REJECTED}. */
    public Actuation actuation() {
        return pluginActuation;
    }

    /** What the plugin logs to (its injected {@code Logger}), and what it logged. */
    public KitLog log() {
        return log;
    }

    /**
     * The plugin's typed configuration, as DS builds it from its configuration: {@code config(Config.class,
     * Map.of("full.threshold", 0.9))}; a property not given takes the annotation's default.
     *
     * @throws IllegalArgumentException naming a property the type does not have or a value it cannot take
     */
    public <A> A config(Class<A> type, Map<String, ?> properties) {
        return TypedConfig.of(type, properties);
    }

    /**
     * A typed configuration as DS builds it, without a kit: for tests of a plugin's settings alone.
     *
     * @throws IllegalArgumentException naming a property the type does not have or a value it cannot take
     * @see #config(Class, Map)
     */
    public static <A> A typedConfig(Class<A> type, Map<String, ?> properties) {
        return TypedConfig.of(type, properties);
    }

    /**
     * Subscribes a listener component as the runtime's whiteboard does: to the topics its {@code @ReadingTopics}
     * names (from the component description bnd generated), through the plugin's scope.
     *
     * @return the subscription: close it when the component goes away (deactivated, or replaced by its next version)
     * @throws SecurityException when the scope does not cover the topics: the runtime would ignore the listener
     */
    public Subscription listen(ReadingListener listener) {
        return listen(listener, ComponentTopics.of(listener.getClass()));
    }

    /** Subscribes a listener to these topics as the whiteboard does, through the plugin's scope. */
    public Subscription listen(ReadingListener listener, Collection<String> topics) {
        List<String> filters = List.copyOf(topics);
        try {
            guard.checkSubscribe(filters);
        } catch (SecurityException e) {
            throw new SecurityException("the runtime would ignore this ReadingListener (" + listener.getClass().getName()
                    + "), with a warning: " + e.getMessage(), e);
        }
        return bus.subscribe(plugin, filters, listener, guard.newReadView());
    }

    // --- what the test does ---------------------------------------------------------------------------------

    /** Publishes a reading as a device would, through the runtime's device bridge: no scope applies. */
    public void publish(Reading reading) {
        engine.publish("devices", reading);
    }

    /**
     * An executor for the plugin's own timed work (retries, timeouts, periodic plans), on the test clock: what it is
     * given runs on the test's thread when the test calls {@link TestScheduler#runDue()} or moves the {@link #clock()}.
     * Hand it to the plugin where the plugin would make its own {@code ScheduledExecutorService}.
     */
    public TestScheduler scheduler() {
        return clock.pluginScheduler();
    }

    /** The runtime's clock: command deadlines and the times the runtime stamps follow it. */
    public TestClock clock() {
        return clock;
    }

    /** The devices of an entity type: a driver that takes that type's commands, completing each unless told not to. */
    public TestDriver drive(String entityType) {
        TestDriver driver = new TestDriver(clock);
        actuation.register(driver, driverIds.incrementAndGet(), 0, entityType);
        drivers.add(driver);
        return driver;
    }

    /**
     * Waits until every reading published so far has been delivered to every subscriber, and what those deliveries
     * published in turn too, every notification sent has been delivered, and every command the plugin sent has reached
     * a driver that holds it open or has ended with the plugin's callbacks on its outcome run. Deliveries and commands
     * run on the runtime's own threads, as in a running runtime.
     *
     * @throws IllegalStateException when they have not ended within ten seconds, naming the subscribers
     */
    public void settle() {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        int quiet = 0;
        long lastPublished = -1;
        while (quiet < 2) {
            long publishedNow = bus.published();
            boolean idle = bus.inFlight() == 0
                    && bus.subscribers().stream().allMatch(s -> s.queueDepth() == 0 || s.state() != SubscriberInfo.State.ACTIVE)
                    && notificationsDone() && commandsDone();
            quiet = idle && publishedNow == lastPublished ? quiet + 1 : 0;
            lastPublished = publishedNow;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("deliveries did not end within " + SETTLE_TIMEOUT.toSeconds() + " s: "
                        + bus.subscribers() + (commandsDone() ? "" : "; commands still under way"));
            }
            if (quiet < 2) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while settling", e);
                }
            }
        }
    }

    /** Whether every command the plugin sent is held open by a driver or has ended and the plugin took the outcome. */
    private boolean commandsDone() {
        Set<String> heldOpen = new HashSet<>();
        drivers.forEach(driver -> heldOpen.addAll(driver.heldOpen()));
        return pluginActuation.settled(heldOpen);
    }

    /**
     * Whether every notification sent so far has been handed to every notifier (each delivered, failed, timed out or
     * withheld). The dispatcher's counts are per delivery, not per notification, so they cannot tell: with the kit's
     * two notifiers, the deliveries of the first notification equal the count of two accepted while the second one is
     * taken from the queue but not yet given to anyone.
     */
    private boolean notificationsDone() {
        return notificationsDone.get() >= dispatcher.accepted();
    }

    // --- what the test looks at -----------------------------------------------------------------------------

    /** Every reading the plugin published (its alerts' readings included), in order. */
    public List<Reading> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    /**
     * Every deletion the plugin made through its bus ({@link ReadingBus#delete}), in order: each one passed its
     * declared {@code publishes} and the ownership check, as the runtime checks them.
     */
    public List<Deletion> deletions() {
        synchronized (deleted) {
            return List.copyOf(deleted);
        }
    }

    /** The readings the plugin published on topics a filter matches, in order. */
    public List<Reading> published(String topicFilter) {
        TopicFilter filter = TopicFilter.parse(topicFilter);
        return published().stream().filter(r -> filter.matches(r.topic())).toList();
    }

    /** The whole city state, as the runtime keeps it (not only what the plugin's scope reads). */
    public CityState picture() {
        return cityState;
    }

    /** Every alert, every plugin's, active and recently resolved. */
    public List<Alert> allAlerts() {
        return alertService.query(new AlertFilter(AlertFilter.State.ALL, null, null), 0, Integer.MAX_VALUE).alerts();
    }

    /**
     * Every change the plugin made to its alerts, in order, as the runtime kept each: a raise (or an update that
     * changed the alert) is an active alert, a resolve an inactive one. A raise that changed nothing is not a change.
     */
    public List<Alert> alertChanges() {
        synchronized (alertChanges) {
            return List.copyOf(alertChanges);
        }
    }

    /**
     * Every command the plugin sent, in the order it sent them, whatever became of each (the drivers list what reached
     * them, in the order it did: the runtime hands commands to drivers on a pool of threads).
     */
    public List<Command> commands() {
        return pluginActuation.sent();
    }

    /** The notifications delivered to notifiers, in order. */
    public List<Notification> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** The scope refusals the runtime recorded for the plugin (as its audit log would). */
    public List<AuditEvent> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    /** What the runtime's own parts logged (a refused listener, a quarantined subscription). */
    public KitLog runtimeLog() {
        return runtimeLog;
    }

    /** Stops the runtime's threads. */
    @Override
    public void close() {
        try {
            actuation.deactivate();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clock.pluginScheduler().shutdownNow();
        dispatcher.deactivate();
        cityState.deactivate();
        engine.close();
    }
}
