package nl.regie.runtime.federation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import nl.regie.api.bus.Subscription;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.RuntimeBus;
import nl.regie.runtime.spi.federation.FederationStatus;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.ExportRule;
import nl.regie.runtime.spi.policy.FederationRules;

import org.eclipse.paho.mqttv5.common.MqttException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Shares readings with other sites over a shared broker, by the policy's {@code exports} and {@code imports} rules
 * ({@link FederationEngine} decides, {@link FederationLink} carries). Configured under {@value #PID}; without a broker
 * there it stays idle: nothing connects, nothing leaves, and {@link FederationStatus} says so.
 *
 * <p>The policy reference is greedy: the operator's policy (sovereignty) replaces core's single-party default as soon
 * as it is there, whichever started first (this component is then activated again).
 *
 * <p>It subscribes to the bus (as the runtime, queue {@value #BUS_QUEUE}) with the union of the export rules'
 * filters, and subscribes again when the policy's rules change (checked every second on its thread
 * {@code regie-federation}, which also runs the link's reconnects and keeps the rates).
 */
@Component(immediate = true, configurationPid = FederationComponent.PID,
        service = {FederationStatus.class, MetricSource.class}, property = MetricSource.ORDER + ":Integer=85")
@Designate(ocd = FederationComponent.Config.class)
public final class FederationComponent implements FederationStatus, MetricSource {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.federation";
    /** Framework property: this site's name, as the device bridge uses it. */
    static final String SITE = "regie.site";
    /** Framework property: the runtime's state folder; the outbox's journal is kept in its {@code federation/outbox}. */
    static final String STATE_DIR = "regie.state.dir";
    /** Readings the federation's bus subscription can have waiting. */
    static final int BUS_QUEUE = 100_000;
    private static final int RATE_SECONDS = 5;
    /** How long a clean stop waits for the outbox to empty while the link is up. */
    static final long DRAIN_MILLIS = 5_000;

    /** The federation's configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie federation",
            description = "This site's link to the shared broker that other sites' runtimes use: readings leave and"
                    + " enter by the policy's exports and imports rules. Without a broker, federation is idle.")
    public @interface Config {

        /** The shared broker; empty for none. */
        @AttributeDefinition(name = "Shared broker", required = false,
                description = "tcp://host:port or ssl://host:port of the broker the sites share; empty: federation is"
                        + " idle (nothing connects, nothing leaves).")
        String broker() default "";

        /** This site's name on the wire; empty for the launcher's site. */
        @AttributeDefinition(name = "Site", required = false,
                description = "This site's name on the wire (regie/v1/{site}/share/...); empty for the launcher's"
                        + " --site.")
        String site() default "";

        /** A file with username= and password= for the shared broker. */
        @AttributeDefinition(name = "Credentials file", required = false,
                description = "A file with two lines, username= and password=: this site's credentials at the shared"
                        + " broker (the generator writes one per site). Empty: connect without credentials.")
        String credentialsFile() default "";

        /** The MQTT client id; empty for regie-federation-{site}. */
        @AttributeDefinition(name = "Client id", required = false,
                description = "The fixed MQTT client id the broker keeps this site's session under; empty for"
                        + " regie-federation-{site}.")
        String clientId() default "";

        /** Readings that may wait to leave. */
        @AttributeDefinition(name = "Outgoing queue", min = "1",
                description = "Readings that may wait to leave while the link is down or in a burst; beyond it new"
                        + " ones are dropped and counted (queue-full).")
        int queueCapacity() default 100_000;

        /** The most hops a reading may travel. */
        @AttributeDefinition(name = "Most hops", min = "1", max = "16",
                description = "A reading that has travelled more hops is refused on import and never re-exported.")
        int maxHops() default 3;

        /** Reading ids remembered to drop duplicates. */
        @AttributeDefinition(name = "De-duplication window", min = "1000", max = "10000000",
                description = "How many reading ids are remembered to drop one that arrives twice.")
        int dedupWindow() default 100_000;

        /** The longest wait between reconnect attempts, in seconds. */
        @AttributeDefinition(name = "Longest reconnect backoff (s)", min = "1", max = "3600")
        int reconnectMaxSeconds() default 30;

        /** How long the broker keeps this site's session while it is away, in seconds. */
        @AttributeDefinition(name = "Session expiry (s)", min = "0",
                description = "How long the broker keeps this site's subscription and queues what is addressed to it"
                        + " while the link is down.")
        long sessionExpirySeconds() default 7L * 24 * 3600;
    }

    private final Logger log;
    private final RuntimeBus bus;
    private final AccessPolicy policy;
    private final Owner owner;
    private final String site;
    private final Clock clock;
    private final FederationEngine engine;
    private final FederationLink link;
    private final Path outboxFolder;
    private final OutboxJournal journal;
    private final ScheduledExecutorService scheduler;
    private final Deque<long[]> samples = new ArrayDeque<>();
    private volatile double sentRate;
    private volatile double receivedRate;
    private long rulesVersion = -1;
    private Set<String> filters = Set.of();
    private Subscription subscription;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AuditLog audit;

    /** Connects to the shared broker when one is configured; stays idle otherwise. */
    @Activate
    public FederationComponent(Config config, BundleContext context, @Reference(name = "bus") RuntimeBus bus,
            @Reference(name = "policy", policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this(config, context.getProperty(SITE), stateDir(context.getProperty(STATE_DIR)), Owner.of(context.getBundle()),
                bus, policy, log, Clock.systemUTC());
    }

    private static Path stateDir(String property) {
        return property == null || property.isBlank() ? null : Path.of(property.strip());
    }

    /** @param stateDir the runtime's state folder, or null to keep nothing across a restart */
    FederationComponent(Config config, String launcherSite, Path stateDir, Owner owner, RuntimeBus bus,
            AccessPolicy policy, Logger log, Clock clock) {
        this.log = log;
        this.bus = bus;
        this.policy = policy;
        this.owner = owner;
        this.clock = clock;
        this.site = !config.site().isBlank() ? config.site().strip()
                : launcherSite != null && !launcherSite.isBlank() ? launcherSite.strip() : "demo";
        this.engine = new FederationEngine(site, policy, bus::publish, this::offer, this::record, clock,
                Math.max(1, config.maxHops()), Math.max(1000, config.dedupWindow()));
        this.outboxFolder = stateDir == null ? null : stateDir.resolve("federation").resolve("outbox");
        String broker = config.broker() == null ? "" : config.broker().strip();
        if (broker.isEmpty()) {
            log.info("Federation is idle: no shared broker configured ({})", PID);
            this.link = null;
            this.scheduler = null;
            this.journal = null;
            return;
        }
        FederationLink made = null;
        OutboxJournal opened = openJournal();
        List<Outgoing> kept = List.of();
        if (opened != null) {
            try {
                kept = opened.recover();
            } catch (IOException e) {
                log.error("Federation: the outbox in {} cannot be read ({}); readings waiting to leave are kept in"
                        + " memory only", outboxFolder, e.getMessage());
                opened.close();
                opened = null;
            }
        }
        ScheduledExecutorService threads = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-federation");
            t.setDaemon(true);
            return t;
        });
        try {
            Credentials credentials = config.credentialsFile().isBlank() ? null
                    : Credentials.read(Path.of(config.credentialsFile().strip()));
            String clientId = config.clientId().isBlank() ? "regie-federation-" + site : config.clientId().strip();
            LinkSettings settings = new LinkSettings(broker, clientId,
                    credentials == null ? null : credentials.username(),
                    credentials == null ? null : credentials.password(), config.queueCapacity(),
                    config.reconnectMaxSeconds(), config.sessionExpirySeconds());
            made = new FederationLink(settings, engine.inbox(), engine::receive, engine::sent, threads, opened, log,
                    clock);
        } catch (IOException | IllegalArgumentException | MqttException e) {
            log.error("Federation is off: {}", e.getMessage());
            threads.shutdownNow();
            if (opened != null) {
                opened.close();
            }
            this.link = null;
            this.scheduler = null;
            this.journal = null;
            return;
        }
        this.link = made;
        this.scheduler = threads;
        this.journal = opened;
        link.onRefusedLogin(reason -> record(new AuditEvent(clock.instant(), AuditEvent.FEDERATION, site, "", "connect",
                broker, "refused", reason + " (audited once until a connection succeeds; every attempt is counted)")));
        restoreOutbox(kept);
        link.start();
        scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
        log.info("Federation: site {} shares through {}", site, broker);
    }

    /** Closes the bus subscription, the link and the thread. */
    @Deactivate
    void deactivate() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }
        link.drain(DRAIN_MILLIS);
        String why = link.isConnected() ? "the broker did not acknowledge them within " + DRAIN_MILLIS + " ms"
                : "the link was down";
        link.close();
        List<Outgoing> left = link.leftBehind();
        if (journal != null) {
            // Every message left is in the journal already (it was recorded as it was queued): close writes a last
            // snapshot of them.
            journal.close();
        }
        if (left.isEmpty()) {
            return;
        }
        if (journal != null) {
            String detail = left.size() + " readings waiting to leave or unacknowledged at the stop (" + why
                    + ") are kept in " + outboxFolder + " and sent at the next start";
            log.info("Federation: {}", detail);
            record(new AuditEvent(clock.instant(), AuditEvent.FEDERATION, site, "", "stop", link.serverUri(), "kept",
                    detail));
            return;
        }
        String detail = left.size() + " readings waiting to leave or unacknowledged at the stop (" + why
                + ") are lost: " + (outboxFolder == null ? "the runtime has no state folder"
                        : "the outbox in " + outboxFolder + " could not be used");
        log.warn("Federation: {}", detail);
        record(new AuditEvent(clock.instant(), AuditEvent.FEDERATION, site, "", "stop", link.serverUri(), "dropped",
                detail));
    }

    /**
     * Ends as a {@code kill -9} would, for tests: the threads and the link stop; nothing is drained, snapshotted, kept
     * or audited, and the journal's files stay as the last append left them.
     */
    void halt() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        synchronized (this) {
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }
        link.close();
    }

    /**
     * Opens the outbox's journal in {@code <state dir>/federation/outbox}, or null without a state folder or when it
     * cannot be opened (then the outbox is in memory only, and the log says why). A file where the folder should be
     * (an outbox kept by an earlier version) is moved aside first, named in the log.
     */
    private OutboxJournal openJournal() {
        if (outboxFolder == null) {
            return null;
        }
        try {
            if (Files.isRegularFile(outboxFolder)) {
                Path aside = outboxFolder.resolveSibling("outbox.refused-" + clock.millis());
                Files.move(outboxFolder, aside);
                log.error("Federation: {} is a file, not the outbox's folder (an older format); moved to {}, its"
                        + " readings are not sent", outboxFolder, aside);
            }
            return OutboxJournal.open(outboxFolder, (level, message) -> {
                switch (level) {
                    case ERROR -> log.error("Federation: {}", message);
                    case WARN -> log.warn("Federation: {}", message);
                    default -> log.info("Federation: {}", message);
                }
            });
        } catch (IOException e) {
            log.error("Federation: the outbox's folder {} cannot be used ({}); readings waiting to leave are kept in"
                    + " memory only", outboxFolder, e.getMessage());
            return null;
        }
    }

    /**
     * Queues what waited when the runtime last ended (a stop or a crash), ahead of anything new. Messages of another
     * site's namespace (the site was renamed) and those beyond the queue's capacity are dropped and counted.
     */
    private void restoreOutbox(List<Outgoing> kept) {
        if (kept.isEmpty()) {
            return;
        }
        String namespace = "regie/v1/" + site + "/share/";
        int queued = 0;
        for (Outgoing message : kept) {
            if (!message.topic().startsWith(namespace)) {
                journal.done(message);
                engine.drop("renamed-site");
            } else if (link.offerKept(message)) {
                queued++;
            } else {
                engine.drop("queue-full");
            }
        }
        log.info("Federation: {} of {} readings kept in {} wait to leave again", queued, kept.size(), outboxFolder);
    }

    private boolean offer(Outgoing message) {
        return link != null && link.offer(message);
    }

    private void record(AuditEvent event) {
        AuditLog log = audit;
        if (log != null) {
            log.record(event);
        }
    }

    /** Every second: follow the policy's rules, and keep the rates. */
    private void tick() {
        try {
            follow(policy.federationRules());
            engine.auditCounted();
            long[] now = {link.acknowledged(), link.arrived()};
            samples.addLast(now);
            if (samples.size() > RATE_SECONDS + 1) {
                samples.removeFirst();
            }
            long[] first = samples.peekFirst();
            int seconds = samples.size() - 1;
            sentRate = seconds == 0 ? 0 : (now[0] - first[0]) / (double) seconds;
            receivedRate = seconds == 0 ? 0 : (now[1] - first[1]) / (double) seconds;
        } catch (RuntimeException e) {
            log.error("Federation: could not follow the policy's rules", e);
        }
    }

    /** Subscribes to the union of the export rules' filters, again when they change. */
    synchronized void follow(FederationRules rules) {
        if (rules.version() == rulesVersion) {
            return;
        }
        rulesVersion = rules.version();
        Set<String> wanted = new LinkedHashSet<>();
        for (ExportRule rule : rules.exports()) {
            wanted.add(rule.filter().toString());
        }
        if (wanted.equals(filters)) {
            return;
        }
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
        filters = Set.copyOf(wanted);
        if (!wanted.isEmpty()) {
            subscription = bus.subscribe(owner, List.copyOf(wanted), engine::export, BUS_QUEUE);
        }
        log.info("Federation: policy v{}: {} export rules, {} import rules, exporting {}", rules.version(),
                rules.exports().size(), rules.imports().size(), wanted.isEmpty() ? "nothing" : wanted);
    }

    @Override
    public Snapshot snapshot() {
        Link state = link == null
                ? new Link("", "idle", null, null, 0, 0, 0, 0, 0, 0, -1, 0)
                : new Link(link.serverUri(), link.state(), link.since(), link.lastError(), link.queued(),
                        link.capacity(), link.acknowledged(), link.arrived(), sentRate, receivedRate,
                        engine.lagMillis(), link.refusedLogins());
        return new Snapshot(site, link != null, policy.federationRules().version(), state, engine.exported(),
                engine.imported(), engine.refused(), engine.dropped(), engine.lastRefusal());
    }

    /** The {@code regie_federation_*} families: by link state, rule and reason, never by entity. */
    @Override
    public void collect(MetricWriter out) {
        Snapshot now = snapshot();
        out.gauge("regie_federation_link_connected", "1 if the link to the shared broker is connected, by site.")
                .sample("connected".equals(now.link().state()) ? 1 : 0, "site", now.site());
        out.gauge("regie_federation_queued", "Readings waiting to leave for the shared broker.")
                .sample(now.link().queued());
        out.counter("regie_federation_sent_total", "Readings the shared broker acknowledged.")
                .sample(now.link().sent());
        out.counter("regie_federation_received_total", "Messages received from the shared broker.")
                .sample(now.link().received());
        out.counter("regie_federation_connections_refused_total",
                "Connection attempts the shared broker refused for this site's credentials.")
                .sample(now.link().connectionsRefused());
        out.gauge("regie_federation_lag_seconds", "The last imported reading's delay from export to arrival.")
                .sample(now.link().lagMillis() < 0 ? 0 : now.link().lagMillis() / 1000.0);
        MetricWriter.Family exported = out.counter("regie_federation_exported_total",
                "Readings exported (acknowledged by the broker), by export rule.");
        now.exports().forEach((rule, count) -> exported.sample(count, "rule", rule));
        MetricWriter.Family imported = out.counter("regie_federation_imported_total",
                "Readings imported onto the bus, by import rule.");
        now.imports().forEach((rule, count) -> imported.sample(count, "rule", rule));
        MetricWriter.Family refused = out.counter("regie_federation_refused_total",
                "Messages from the wire refused, by reason.");
        for (String reason : FederationStatus.REASONS) {
            refused.sample(now.refusals().getOrDefault(reason, 0L), "reason", reason);
        }
        MetricWriter.Family dropped = out.counter("regie_federation_dropped_total",
                "Readings that could not leave, by reason (queue-full, hops, loop).");
        now.dropped().forEach((reason, count) -> dropped.sample(count, "reason", reason));
    }

    /** This site's name on the wire. */
    String site() {
        return site;
    }

    /** What the engine counted, for tests. */
    Map<String, Long> exportedCounts() {
        return engine.exported();
    }
}
