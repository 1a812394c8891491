package nl.regie.runtime.sovereignty.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.FederationRules;
import nl.regie.runtime.spi.policy.SharingRule;

/**
 * The {@link AccessPolicy} without OSGi: holds the policy in force as one immutable snapshot, replaced whole by
 * {@link #apply}. Views handed out earlier see a new policy on their next call. Applying and refusing are audited
 * (kind {@link AuditEvent#POLICY}), denied reads too (kind {@link AuditEvent#READ}, once per view, owner party and
 * {@code Type/+/attribute}), and denied readings are counted per reader.
 */
public final class PolicyEngine implements AccessPolicy {

    private final AuditLog audit;
    private final Map<String, LongAdder> deniedReads = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> withheldSums = new ConcurrentHashMap<>();
    private final SharedCounts shares = new SharedCounts(Instant.now());
    private volatile Policy policy = Policy.defaults();

    /** A policy engine with the default policy (devices act for {@value AccessPolicy#DEFAULT_PARTY}, no key trusted). */
    public PolicyEngine(AuditLog audit) {
        this.audit = Objects.requireNonNull(audit, "audit log is required");
    }

    /**
     * Replaces the policy with the one the properties describe, at once for every view.
     *
     * @return what changed, as recorded in the audit log
     * @throws PolicyException naming the bad element; the policy in force stays, and the refusal is audited
     */
    public synchronized String apply(Map<String, ?> properties) throws PolicyException {
        Policy previous = policy;
        Policy next;
        try {
            next = PolicyParser.parse(properties, previous.version() + 1).withSigners(previous.signers());
        } catch (PolicyException e) {
            audit(new AuditEvent(Instant.now(), AuditEvent.POLICY, "operator", "", "apply", PID, "refused",
                    e.getMessage() + "; policy v" + previous.version() + " stays in force"));
            throw e;
        }
        String changes = next.changesFrom(previous);
        if (previous.version() == 0 && changes.equals("no change")) {
            changes = "no configuration: every device acts for " + next.defaultParty() + ", no plugin key is trusted,"
                    + " nothing is shared";
        }
        policy = next;
        audit(new AuditEvent(Instant.now(), AuditEvent.POLICY, "operator", "", "apply", PID, "applied",
                "v" + next.version() + ": " + changes));
        return changes;
    }

    /**
     * Who signed the running plugins changed (one was installed, updated or removed): a plugin's party follows its
     * key at once, for every view, without a new policy version.
     *
     * @param signers the fingerprint of the key that signed each running plugin, by symbolic name; "" for an
     *                unsigned plugin
     */
    public synchronized void signers(Map<String, String> signers) {
        policy = policy.withSigners(signers);
    }

    /** The version of the policy in force: 0 until a policy is applied, then one more with each. */
    public long version() {
        return policy.version();
    }

    /** A summary of the policy in force, for the log. */
    public String describe() {
        return policy.toString();
    }

    @Override
    public String partyOfPlugin(String symbolicName) {
        return policy.partyOfPlugin(symbolicName);
    }

    @Override
    public Optional<String> partyOfKey(String fingerprint) {
        return Optional.ofNullable(policy.partyOfKey(fingerprint));
    }

    @Override
    public Optional<String> keyOfPlugin(String symbolicName) {
        return Optional.ofNullable(policy.keyOfPlugin(symbolicName));
    }

    @Override
    public String partyOfSource(String source) {
        return policy.partyOfSource(source);
    }

    @Override
    public List<String> grantedServices(String symbolicName, String kind) {
        return policy.grantedServices(symbolicName, kind);
    }

    @Override
    public ReadView readView(String readerParty, String readerName) {
        Objects.requireNonNull(readerParty, "reader party is required");
        Objects.requireNonNull(readerName, "reader name is required");
        return new PolicyView(this, readerParty, readerName,
                deniedReads.computeIfAbsent(readerName, name -> new LongAdder()),
                withheldSums.computeIfAbsent(readerName, name -> new LongAdder()));
    }

    @Override
    public ReadView pluginView(String symbolicName) {
        Objects.requireNonNull(symbolicName, "plugin symbolic name is required");
        return new PolicyView(this, null, symbolicName, deniedReads.computeIfAbsent(symbolicName, name -> new LongAdder()),
                withheldSums.computeIfAbsent(symbolicName, name -> new LongAdder()));
    }

    /** Zone sums withheld for too few sources so far, per reader name, sorted by name. */
    public Map<String, Long> withheldSums() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        withheldSums.forEach((reader, count) -> counts.put(reader, count.sum()));
        return counts;
    }

    @Override
    public FederationRules federationRules() {
        return policy.federation().rules();
    }

    @Override
    public ReadView exportView(String site) {
        Objects.requireNonNull(site, "site is required");
        String reader = "export:" + site;
        return new PolicyView(this, site, reader, deniedReads.computeIfAbsent(reader, name -> new LongAdder()),
                withheldSums.computeIfAbsent(reader, name -> new LongAdder()), true);
    }

    /** Readings denied so far, per reader name (a plugin's symbolic name or a token's name), sorted by name. */
    public Map<String, Long> deniedReads() {
        Map<String, Long> counts = new TreeMap<>();
        deniedReads.forEach((reader, count) -> counts.put(reader, count.sum()));
        return counts;
    }

    @Override
    public List<SharingRule> sharingRules() {
        return policy.sharingRules();
    }

    @Override
    public List<TopicFilter> personalFilters() {
        return policy.personalFilters();
    }

    /**
     * Records in the audit log what each party received of another's data since the last call (kind
     * {@link AuditEvent#SHARE}, one event per owner, recipient, entity type and form).
     *
     * @return how many events were recorded
     */
    public int recordSharing(Instant now) {
        List<AuditEvent> events = shares.drain(now);
        events.forEach(this::audit);
        return events.size();
    }

    /** The sharing counted since the last {@link #recordSharing}, not yet in the audit log; counters kept. */
    @Override
    public List<AuditEvent> sharingNotYetAudited() {
        return shares.peek();
    }

    SharedCounts shares() {
        return shares;
    }

    Policy snapshot() {
        return policy;
    }

    void audit(AuditEvent event) {
        audit.record(event);
    }
}
