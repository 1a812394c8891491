package nl.regie.runtime.core.limits;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import nl.regie.api.model.EntityId;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.state.FullCityState;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
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
 * The limits every plugin has, configured under the PID {@value #PID} (a change applies at once, without restart; a
 * bad one is refused whole, logged naming the key, and the limits in force stay): readings it may publish a second,
 * entities it may bring into the city state, subscriptions it may have open, threads it may run, and the share of the
 * runtime's own subscriptions' queues its readings may fill. The bus view, the listener whiteboard and the alerts view
 * enforce them through each plugin's {@link PluginQuota}; {@link ThreadCensus} counts threads.
 *
 * <p>Every refusal is counted per plugin and limit ({@code regie_plugin_limit_refusals_total}); the first of each limit
 * per plugin version is logged and audited (kind {@value AuditEvent#LIMIT}), so a plugin looping on a refused call
 * does not fill the log. The runtime's own bundles have no limits.
 */
@Component(immediate = true, configurationPid = PluginLimits.PID, service = {Limits.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=85")
@Designate(ocd = PluginLimits.Config.class)
public final class PluginLimits implements Limits, MetricSource {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.limits";

    /** The configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie per-plugin limits",
            description = "What each plugin may use of the runtime. Past a limit the call is refused (the plugin gets a"
                    + " LimitExceededException naming the limit), counted in /metrics and audited once per plugin"
                    + " version; threads are counted and reported, as nothing in the JVM can refuse one.")
    public @interface Config {

        /** Readings a plugin may publish per second. */
        @AttributeDefinition(name = "Readings published per second", min = "1", max = "100000000",
                description = "Readings a plugin may publish per second, on average.")
        int publishPerSecond() default 10_000;

        /** Readings a plugin may publish at once. */
        @AttributeDefinition(name = "Burst of readings", min = "1", max = "100000000",
                description = "Readings a plugin may publish at once above its rate, after a quiet while.")
        int publishBurst() default 20_000;

        /** Entities a plugin may bring into the city state. */
        @AttributeDefinition(name = "Entities", min = "0", max = "100000000",
                description = "Entities a plugin may bring into the city state: readings about entities no one had"
                        + " reported on, and alerts under new keys. Its readings about other entities are not counted.")
        int entities() default 10_000;

        /** Subscriptions a plugin may have open. */
        @AttributeDefinition(name = "Subscriptions", min = "0", max = "10000",
                description = "Subscriptions a plugin may have open at once: whiteboard listeners and programmatic"
                        + " ones. Each has its own queue and thread.")
        int subscriptions() default 50;

        /** Threads a plugin may run (reported, not refused). */
        @AttributeDefinition(name = "Threads", min = "0", max = "100000",
                description = "Threads a plugin may have running. Counted every threadCheckSeconds; over it, logged,"
                        + " audited and raised as an alert. Reported only: nothing in the JVM can refuse a thread.")
        int threads() default 50;

        /** The share of the runtime's own subscription queues plugins' readings may fill. */
        @AttributeDefinition(name = "Share of the runtime's queues (%)", min = "1", max = "100",
                description = "How much of each of the runtime's own subscription queues (city state, stream) a"
                        + " plugin's readings may fill; past it the plugin's publish is refused, so the rest stays free"
                        + " for the devices' readings. 100 lets plugins fill it all.")
        int busSharePercent() default 50;

        /** How often threads are counted. */
        @AttributeDefinition(name = "Thread check (s)", min = "1", max = "3600",
                description = "How often every plugin's threads are counted, in seconds.")
        int threadCheckSeconds() default LimitSettings.DEFAULT_THREAD_CHECK_SECONDS;

        /** Other limits for some plugins. */
        @AttributeDefinition(name = "Overrides", required = false,
                description = "{symbolicName} {limit}={value}..., comma-separated, such as nl.regie.mobility"
                        + " publishPerSecond=50000 publishBurst=100000; '*' in a name matches any characters, '?'"
                        + " one; the first that names a plugin counts, and what it does not give is the default.")
        String[] overrides() default {};
    }

    private final Predicate<Bundle> isRuntime;
    private final Predicate<EntityId> known;
    private final Logger log;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Map<String, PluginUsage> usage = new ConcurrentHashMap<>();
    private volatile LimitSettings settings = LimitSettings.DEFAULTS;

    /** Where refusals are recorded; without one they are counted and logged only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog audit;

    /** The party of a plugin, for the audit log. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessPolicy policy;

    /** The limits of the running runtime, as configured; its own bundles have none. */
    @Activate
    public PluginLimits(BundleContext context, Map<String, Object> properties,
            @Reference(name = "cityState") FullCityState cityState,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this(RuntimeBundles.of(context)::contains, id -> cityState.entity(id).isPresent(), log, Clock.systemUTC(),
                System::nanoTime);
        apply(properties);
    }

    /**
     * Limits outside a framework (tests, benchmarks), with the defaults until {@link #apply}.
     *
     * @param isRuntime the bundles with no limits
     * @param known     whether the city state has an entity (a plugin's reading about it brings nothing in)
     * @param nanoTime  the clock of the publish rate
     */
    public PluginLimits(Predicate<Bundle> isRuntime, Predicate<EntityId> known, Logger log, Clock clock,
            LongSupplier nanoTime) {
        this.isRuntime = isRuntime;
        this.known = known;
        this.log = log;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** Limits recording into an audit log, outside a framework (tests). */
    public PluginLimits withAudit(AuditLog auditLog) {
        this.audit = auditLog;
        return this;
    }

    /**
     * Applies a changed configuration at once; a bad one is refused whole, logged naming the key, and the limits in
     * force stay.
     */
    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    /**
     * Applies configuration properties, as {@link #modified} does.
     *
     * @return whether they were applied
     */
    public boolean apply(Map<String, ?> properties) {
        LimitSettings next;
        try {
            next = LimitSettings.parse(properties);
        } catch (IllegalArgumentException e) {
            log.error("Refused the per-plugin limits ({}): {}; the limits in force stay", PID, e.getMessage());
            return false;
        }
        if (!next.equals(settings)) {
            settings = next;
            log.info("Per-plugin limits ({}): {}{}", PID, next.defaults(), next.overrides().isEmpty() ? ""
                    : ", overrides " + next.overrides().stream().map(LimitSettings.Override::text).toList());
        }
        return true;
    }

    @Override
    public LimitSettings settings() {
        return settings;
    }

    @Override
    public PluginQuota forBundle(Bundle bundle) {
        return isRuntime.test(bundle) ? PluginQuota.UNLIMITED : forPlugin(Owner.of(bundle));
    }

    @Override
    public PluginQuota forPlugin(Owner plugin) {
        return new PluginQuota(this, usageOf(plugin.symbolicName()), plugin);
    }

    @Override
    public String threadsSeen(Owner plugin, int threads) {
        PluginUsage of = usageOf(plugin.symbolicName());
        int limit = of.values(settings).threads();
        boolean newlyOver = of.threadsCounted(threads, limit);
        if (threads <= limit) {
            return null;
        }
        String message = "plugin " + plugin.symbolicName() + ' ' + plugin.version() + " runs " + threads
                + " threads, over its limit " + LimitExceededException.THREADS + " = " + limit + ". Threads cannot be"
                + " refused inside the JVM: update or remove the plugin, or raise its limit in " + PID;
        if (newlyOver && of.refused(plugin.version(), LimitExceededException.THREADS)) {
            report(plugin, LimitExceededException.THREADS, "run threads", message, "reported");
        }
        return message;
    }

    boolean known(EntityId entity) {
        return known.test(entity);
    }

    long nanoTime() {
        return nanoTime.getAsLong();
    }

    /** Counts a refusal, logs and audits the first of its limit for the plugin's version; the exception to throw. */
    LimitExceededException refuse(PluginUsage of, Owner plugin, String limit, long value, String what) {
        String message = "plugin " + plugin.symbolicName() + ' ' + plugin.version() + " may not " + what;
        if (of.refused(plugin.version(), limit)) {
            report(plugin, limit, what.substring(0, what.indexOf(' ')), message, "refused");
        }
        return new LimitExceededException(plugin.symbolicName(), limit, value, message);
    }

    private void report(Owner plugin, String limit, String action, String message, String outcome) {
        log.warn("{}; further refusals of {} by this version are counted in /metrics"
                + " (regie_plugin_limit_refusals_total), not logged", message, limit);
        AuditLog auditLog = audit;
        if (auditLog != null) {
            auditLog.record(new AuditEvent(clock.instant(), AuditEvent.LIMIT, plugin.symbolicName(),
                    partyOf(plugin.symbolicName()), action, limit, outcome, message));
        }
    }

    private String partyOf(String symbolicName) {
        AccessPolicy current = policy;
        try {
            return current == null ? "" : current.partyOfPlugin(symbolicName);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private PluginUsage usageOf(String symbolicName) {
        Objects.requireNonNull(symbolicName, "a plugin without a symbolic name has no limits to keep");
        return usage.computeIfAbsent(symbolicName, PluginUsage::new);
    }

    /** Refusals so far per plugin, then per limit, sorted. */
    public Map<String, Map<String, Long>> refusals() {
        Map<String, Map<String, Long>> all = new TreeMap<>();
        usage.forEach((plugin, of) -> {
            Map<String, Long> counts = of.refusals();
            if (!counts.isEmpty()) {
                all.put(plugin, counts);
            }
        });
        return all;
    }

    /** Writes the {@code regie_plugin_*} families of what each plugin uses and was refused. */
    @Override
    public void collect(MetricWriter out) {
        MetricWriter.Family refused = out.counter("regie_plugin_limit_refusals_total", "Calls of a plugin refused for"
                + " going past one of its limits (publishPerSecond, busSharePercent, entities, subscriptions), and"
                + " thread counts found over its threads limit, by plugin and limit.");
        refusals().forEach((plugin, counts) -> counts.forEach((limit, count) -> refused.sample(count, "plugin", plugin,
                "limit", limit)));
        Map<String, PluginUsage> sorted = new TreeMap<>(usage);
        MetricWriter.Family entities = out.gauge("regie_plugin_entities",
                "Entities each plugin has brought into the city state (its entities limit counts these).");
        MetricWriter.Family subscriptions = out.gauge("regie_plugin_subscriptions",
                "Subscriptions each plugin has open.");
        MetricWriter.Family threads = out.gauge("regie_plugin_threads",
                "Live threads counted as each plugin's at the last thread check.");
        sorted.forEach((plugin, of) -> {
            entities.sample(of.entities(), "plugin", plugin);
            subscriptions.sample(of.subscriptions(), "plugin", plugin);
            threads.sample(of.threads(), "plugin", plugin);
        });
    }
}
