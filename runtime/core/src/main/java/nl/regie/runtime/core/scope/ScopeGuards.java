package nl.regie.runtime.core.scope;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import nl.regie.api.scope.PluginScope;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.monitor.ScopeMonitor;
import nl.regie.runtime.spi.policy.AccessPolicy;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Hands each bundle the {@link ScopeGuard} of the scope it declared in its manifest ({@value PluginScope#NAMESPACE}
 * capabilities, see {@link PluginScope}), and records every refusal: counted per plugin and kind, and in the audit
 * log (kind {@value AuditEvent#SCOPE}) the first time per plugin version, kind and topic pattern, filter or entity
 * type, so that a plugin looping on a refused action does not fill the log (see {@link ScopeRefusals}). The runtime's
 * own bundle is never restricted. A declaration the runtime cannot read (a malformed filter or type) counts as
 * declaring nothing, with an error logged.
 */
@Component(immediate = true, service = {Scopes.class, ScopeMonitor.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=80")
public final class ScopeGuards implements Scopes, ScopeMonitor, MetricSource {

    private final Logger log;
    private final Predicate<Bundle> isRuntime;
    private final Clock clock;
    private final ScopeRefusals refusals;
    private final ScopeGuard unrestricted;

    /** The policy in force: the sovereignty bundle's, or the runtime's single-party default without it. */
    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessPolicy policy;

    /** Where refusals are recorded; without an audit log they are counted and logged only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog audit;

    /** The guards of a running runtime: the runtime's own bundles (see {@link RuntimeBundles}) are unrestricted. */
    @Activate
    public ScopeGuards(@Reference(service = LoggerFactory.class) Logger log, BundleContext context) {
        this(RuntimeBundles.of(context)::contains, log, Clock.systemUTC(), ScopeRefusals.DEFAULT_MAX_KEYS);
    }

    /** Guards outside a framework (tests, benchmarks): the bundle with {@code runtimeBundleId} is unrestricted. */
    public ScopeGuards(AccessPolicy policy, AuditLog audit, Logger log, long runtimeBundleId, Clock clock) {
        this(policy, audit, log, runtimeBundleId, clock, ScopeRefusals.DEFAULT_MAX_KEYS);
    }

    /** Guards that audit at most {@code maxAuditedKeys} distinct refusals per plugin version (tests). */
    ScopeGuards(AccessPolicy policy, AuditLog audit, Logger log, long runtimeBundleId, Clock clock,
            int maxAuditedKeys) {
        this(bundle -> bundle.getBundleId() == runtimeBundleId, log, clock, maxAuditedKeys);
        this.policy = policy;
        this.audit = audit;
    }

    private ScopeGuards(Predicate<Bundle> isRuntime, Logger log, Clock clock, int maxAuditedKeys) {
        this.refusals = new ScopeRefusals(maxAuditedKeys);
        this.log = log;
        this.isRuntime = isRuntime;
        this.clock = clock;
        this.unrestricted = new ScopeGuard(new Owner("runtime", "", 0), null, this);
    }

    /** The guard of a bundle: unrestricted for the runtime's own bundles, else the scope its manifest declares. */
    @Override
    public ScopeGuard forBundle(Bundle bundle) {
        if (isRuntime.test(bundle)) {
            return unrestricted;
        }
        return forPlugin(Owner.of(bundle), declared(bundle));
    }

    /** The guard of a plugin with a given scope. */
    public ScopeGuard forPlugin(Owner plugin, DeclaredScope scope) {
        return new ScopeGuard(plugin, scope, this);
    }

    /** The guard that checks nothing, as the runtime's own bundles get. */
    @Override
    public ScopeGuard unrestricted() {
        return unrestricted;
    }

    /** The union of the scopes a bundle's current revision declares; nothing if it declares none or a bad one. */
    DeclaredScope declared(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return DeclaredScope.NOTHING;
        }
        List<Map<String, Object>> capabilities = revision.getDeclaredCapabilities(PluginScope.NAMESPACE).stream()
                .map(BundleCapability::getAttributes).toList();
        try {
            return DeclaredScope.fromCapabilities(capabilities);
        } catch (IllegalArgumentException e) {
            String message = "plugin " + bundle.getSymbolicName() + ' ' + bundle.getVersion() + " declares a scope the"
                    + " runtime cannot read, so it may do nothing: " + e.getMessage();
            log.error(message);
            record(bundle.getSymbolicName(), bundle.getVersion().toString(), "declare", "declare",
                    PluginScope.NAMESPACE, PluginScope.NAMESPACE, message);
            return DeclaredScope.NOTHING;
        }
    }

    AccessPolicy policy() {
        return policy;
    }

    /**
     * Records a refusal: counted every time, audited the first time per plugin version, kind and key.
     *
     * @param kind   publish, subscribe or actuate
     * @param action what the audit record names as attempted (the command's action for actuate)
     * @param target what it was attempted on, as audited: the topic, filter or entity id
     * @param key    what repeats of it have in common: a topic pattern {@code Type/+/attribute}, filter or entity type
     */
    void refused(ScopeGuard guard, String kind, String action, String target, String key, String detail) {
        record(guard.symbolicName(), guard.version(), kind, action, target, key, detail, AuditEvent.SCOPE);
    }

    /** Records a refusal under another audit kind ({@link AuditEvent#SERVICE} for a service that was ignored). */
    void refused(ScopeGuard guard, String kind, String action, String target, String key, String detail,
            String auditKind) {
        record(guard.symbolicName(), guard.version(), kind, action, target, key, detail, auditKind);
    }

    private void record(String symbolicName, String version, String kind, String action, String target, String key,
            String detail) {
        record(symbolicName, version, kind, action, target, key, detail, AuditEvent.SCOPE);
    }

    private void record(String symbolicName, String version, String kind, String action, String target, String key,
            String detail, String auditKind) {
        ScopeRefusals.Audit audited = refusals.count(symbolicName, version, kind, key);
        if (audited == ScopeRefusals.Audit.NO) {
            return;
        }
        if (audited == ScopeRefusals.Audit.LAST) {
            detail += "; this plugin has had over " + refusals.maxKeys() + " distinct refusals, so further new ones"
                    + " are counted (in /metrics) but not audited";
        }
        String party;
        try {
            party = policy.partyOfPlugin(symbolicName);
        } catch (RuntimeException e) {
            party = "";
        }
        AuditLog log = audit;
        if (log != null) {
            log.record(new AuditEvent(clock.instant(), auditKind, symbolicName, party, action, target, "denied",
                    detail));
        }
    }

    /** Refusals so far (audited or not), per plugin symbolic name, sorted. */
    public Map<String, Long> refusalsByPlugin() {
        return refusals.byPlugin();
    }

    /**
     * Refusals so far (audited or not), per plugin symbolic name and then per kind: {@code publish},
     * {@code subscribe}, {@code actuate}, {@code declare} (a scope declaration the runtime could not read), or a
     * service ignored: {@code drives}, {@code notifies}, {@code serves}; sorted.
     */
    public Map<String, Map<String, Long>> refusalsByPluginAndKind() {
        return refusals.byPluginAndKind();
    }

    @Override
    public Map<String, Long> refusalsOf(String symbolicName) {
        return refusals.byKind(symbolicName);
    }

    /** Writes {@code regie_scope_refusals_total}: every refusal, by plugin and kind. */
    @Override
    public void collect(MetricWriter out) {
        MetricWriter.Family family = out.counter("regie_scope_refusals_total",
                "Actions of a plugin refused for being outside its declared scope, by plugin and kind: publish,"
                        + " subscribe, actuate, declare (a scope the runtime could not read), or a service it"
                        + " registered that was ignored, not declared or not granted: drives, notifies, serves. Every"
                        + " refusal is counted; the audit log has the first of each kind and topic pattern, filter,"
                        + " type, party or path.");
        refusalsByPluginAndKind().forEach((plugin, kinds) -> kinds.forEach((kind, count) -> family.sample(count,
                "plugin", plugin, "kind", kind)));
    }

    /** Refusals so far, all plugins together. */
    public long refusals() {
        return refusals.byPlugin().values().stream().mapToLong(Long::longValue).sum();
    }
}
