package nl.regie.runtime.federation;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.federation.FederationStatus;
import nl.regie.runtime.spi.federation.ImportedSource;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.ExportRule;
import nl.regie.runtime.spi.policy.FederationRules;
import nl.regie.runtime.spi.policy.ImportRule;

/**
 * Federation without MQTT or OSGi: decides what leaves this site and what enters it, by the policy's rules.
 *
 * <p><b>Export</b> ({@link #export}, on the bus subscription's thread): for each remote site, the first export rule
 * that covers the reading's owner and topic lets it out, through that site's {@link AccessPolicy#exportView} (the
 * policy's privacy transforms); it goes to the outbox with its origin, hop count and a reading id. An imported reading
 * leaves only under a rule that names its owner ({@code {site}:{party}}), never back to its origin, and with one hop
 * more than it came with; over {@code maxHops} it stays.
 *
 * <p><b>Import</b> ({@link #receive}, on the MQTT callback thread): a message must be wire version 1, addressed to this
 * site, within {@code maxHops}, not seen before (a window of the last reading ids), not from this site itself, and
 * covered by an import rule; then it is published on the bus owned by {@code {origin site}:{origin party}}. Anything
 * else is refused: counted per reason, kept as the last refusal, and audited: the first of a site and reason at once,
 * those within the minute after it counted and then audited as one entry with their number ({@link #auditCounted}),
 * so that every refusal is accounted for in the log and a flood cannot fill it. A refusal never affects another
 * message.
 */
public final class FederationEngine {

    /** Readings remembered for their hop count after import, to count hops on a re-export. */
    static final int HOP_MEMORY = 100_000;
    private static final long AUDIT_INTERVAL_MILLIS = 60_000;
    /** Sites and reasons whose refusals are audited; a bound against publishers the broker should not let in. */
    private static final int MAX_AUDITED_KEYS = 10_000;

    private final String site;
    private final AccessPolicy policy;
    private final BiConsumer<String, Reading> bus;
    private final Predicate<Outgoing> outbox;
    private final Consumer<AuditEvent> audit;
    private final Clock clock;
    private final int maxHops;
    private final WireFormat wire = new WireFormat();
    private final BoundedMemory<Boolean> seen;
    private final BoundedMemory<String> importedHops = new BoundedMemory<>(HOP_MEMORY);
    /** The export views, per remote site; used only on the bus subscription's thread. */
    private final Map<String, ReadView> views = new HashMap<>();
    private final String idPrefix;
    private final AtomicLong sequence = new AtomicLong();

    private final Counters exported = new Counters();
    private final Counters imported = new Counters();
    private final Counters refused = new Counters();
    private final Counters dropped = new Counters();
    private final AtomicReference<FederationStatus.Refusal> lastRefusal = new AtomicReference<>();
    /** Per site and reason: when a refusal was last audited, and how many were only counted since. */
    private final Map<String, Audited> audited = new HashMap<>();
    private final AtomicLong lagMillis = new AtomicLong(-1);
    private final AtomicLong received = new AtomicLong();
    /** Used on the MQTT callback thread only. */
    private long reExportsVersion = -1;
    private boolean reExports;

    /**
     * @param site      this site's name on the wire
     * @param policy    the rules and the export views
     * @param bus       publishes an imported reading on the local bus: publisher name and reading
     * @param outbox    takes a message for the broker; false when it is full (the reading is dropped, counted)
     * @param audit     records refusals
     * @param clock     dates imported readings' {@code receivedAt} and the lag
     * @param maxHops   the most hops a reading may have travelled and still be accepted or re-exported
     * @param dedupWindow how many reading ids are remembered to drop a duplicate
     */
    public FederationEngine(String site, AccessPolicy policy, BiConsumer<String, Reading> bus, Predicate<Outgoing> outbox,
            Consumer<AuditEvent> audit, Clock clock, int maxHops, int dedupWindow) {
        this.site = Objects.requireNonNull(site, "site");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxHops < 1) {
            throw new IllegalArgumentException("maxHops must be at least 1, was " + maxHops);
        }
        this.maxHops = maxHops;
        this.seen = new BoundedMemory<>(dedupWindow);
        byte[] boot = new byte[6];
        new SecureRandom().nextBytes(boot);
        // Unique per site and start: a restarted runtime never reuses an id its previous run sent.
        this.idPrefix = site + "-" + HexFormat.of().formatHex(boot) + "-";
    }

    /** This site's name on the wire. */
    String site() {
        return site;
    }

    /** The filter this site subscribes to at the broker: everything addressed to it. */
    public String inbox() {
        return WireFormat.inbox(site);
    }

    /** Offers a reading of the local bus to every remote site an export rule names. */
    public void export(Reading reading) {
        FederationRules rules = policy.federationRules();
        if (rules.exports().isEmpty()) {
            return;
        }
        String owner = policy.partyOfSource(reading.source());
        String importedFrom = ImportedSource.party(reading.source());
        String topic = reading.topic();
        for (String audience : rules.sites()) {
            ExportRule rule = rules.export(owner, audience, topic);
            if (rule == null) {
                continue;
            }
            Reading out = views.computeIfAbsent(audience, policy::exportView).apply(reading);
            if (out == null) {
                continue;
            }
            String originSite = site;
            String originParty = owner;
            String source = out.source();
            int hops = 1;
            String id = null;
            if (importedFrom != null) {
                int colon = importedFrom.indexOf(':');
                originSite = importedFrom.substring(0, colon);
                originParty = importedFrom.substring(colon + 1);
                source = source.substring(source.indexOf('/') + 1);
                String remembered = importedHops.get(memoryKey(reading));
                if (remembered != null) {
                    int space = remembered.indexOf(' ');
                    hops = Integer.parseInt(remembered.substring(0, space)) + 1;
                    id = remembered.substring(space + 1);
                } else {
                    // Its hop count is forgotten: count it as at the limit, so it does not travel further.
                    hops = maxHops + 1;
                }
                if (originSite.equals(audience)) {
                    dropped.increment("loop");
                    continue;
                }
                if (hops > maxHops) {
                    dropped.increment("hops");
                    continue;
                }
            }
            if (id == null) {
                id = idPrefix + Long.toString(sequence.incrementAndGet(), 36);
            }
            Reading sent = source.equals(out.source()) ? out : new Reading(out.entity(), out.attribute(), out.value(),
                    out.unit(), out.observedAt(), out.receivedAt(), source, out.location());
            Map<String, String> properties = Map.of(WireFormat.ORIGIN_SITE, originSite, WireFormat.ORIGIN_PARTY,
                    originParty, WireFormat.HOPS, Integer.toString(hops), WireFormat.READING_ID, id);
            Outgoing message = new Outgoing(WireFormat.topic(site, audience, sent),
                    wire.payload(sent, clock.millis()), properties, rule.text());
            if (!outbox.test(message)) {
                dropped.increment("queue-full");
            }
        }
    }

    /** The broker acknowledged a message: it counts for its rule. */
    public void sent(Outgoing message) {
        exported.increment(message.rule());
    }

    /** A message from the wire: imported, or refused with a reason. Never throws. */
    public void receive(String topic, byte[] payload, Map<String, String> properties) {
        received.incrementAndGet();
        Instant now = clock.instant();
        SharedReading shared;
        try {
            shared = wire.read(topic, payload, properties, now);
        } catch (WireException e) {
            refuse(e.publisher(), topic, "malformed", e.getMessage());
            return;
        }
        if (!shared.audience().equals(site)) {
            refuse(shared.publisher(), topic, "outside-grant", "addressed to " + shared.audience() + ", not to "
                    + site);
            return;
        }
        if (shared.publisher().equals(site) || shared.originSite().equals(site)) {
            refuse(shared.publisher(), topic, "loop", "a reading of this site (" + site + ") came back");
            return;
        }
        if (shared.hops() > maxHops) {
            refuse(shared.publisher(), topic, "hops", "travelled " + shared.hops() + " hops; at most " + maxHops
                    + " are accepted");
            return;
        }
        ImportRule rule = policy.federationRules().importRule(shared.publisher(), shared.originSite(),
                shared.originParty(), shared.reading().topic());
        if (rule == null) {
            refuse(shared.publisher(), topic, "outside-grant", "no import rule accepts " + shared.reading().topic()
                    + " of " + shared.originSite() + ":" + shared.originParty() + " published by "
                    + shared.publisher());
            return;
        }
        if (!seen.add(shared.readingId(), Boolean.TRUE)) {
            refuse(shared.publisher(), topic, "duplicate", "reading id " + shared.readingId() + " was received"
                    + " already");
            return;
        }
        Reading original = shared.reading();
        Reading local = new Reading(original.entity(), original.attribute(), original.value(), original.unit(),
                original.observedAt(), now, ImportedSource.of(shared.originSite(), shared.originParty(),
                        original.source()), original.location());
        if (reExports(policy.federationRules())) {
            importedHops.add(memoryKey(local), shared.hops() + " " + shared.readingId());
        }
        lagMillis.set(Math.max(0, now.toEpochMilli() - shared.exportedAt()));
        imported.increment(rule.text());
        bus.accept(publisherName(shared.publisher()), local);
    }

    /** Whether any export rule names an imported owner ({@code {site}:{party}}), worked out once per rules version. */
    private boolean reExports(FederationRules rules) {
        if (rules.version() != reExportsVersion) {
            reExports = rules.exports().stream().anyMatch(rule -> rule.owner().indexOf(':') > 0);
            reExportsVersion = rules.version();
        }
        return reExports;
    }

    /** The bus publisher name of what arrives from a site. */
    static String publisherName(String publisher) {
        return "federation:" + publisher;
    }

    private static String memoryKey(Reading reading) {
        return reading.source() + ' ' + reading.topic() + ' ' + reading.observedAt();
    }

    private void refuse(String publisher, String topic, String reason, String detail) {
        refused.increment(reason);
        Instant now = clock.instant();
        lastRefusal.set(new FederationStatus.Refusal(now, publisher, topic, reason, detail));
        String site = publisher.isEmpty() ? "(unknown site)" : publisher;
        Audited before;
        synchronized (audited) {
            before = audited.get(site + ' ' + reason);
            if (before == null && audited.size() >= MAX_AUDITED_KEYS) {
                return; // only reachable with publishers the broker should never let in: counted above
            }
            if (before != null && now.toEpochMilli() - before.millis < AUDIT_INTERVAL_MILLIS) {
                before.counted(topic, detail);
                return;
            }
            audited.put(site + ' ' + reason, new Audited(now.toEpochMilli()));
        }
        audit.accept(new AuditEvent(now, AuditEvent.FEDERATION, site, "", "import", topic, "refused", reason + ": "
                + detail + (before == null || before.count == 0 ? "" : "; " + before.count + " more refused for this"
                        + " reason since the last entry") + " (further refusals of this kind from this site within a"
                + " minute are counted, then audited as one entry)"));
    }

    /**
     * Audits, as one entry per site and reason, the refusals only counted during a minute that had no later refusal to
     * carry them; called every second by the component, so that every refused import is accounted for in the log.
     */
    public void auditCounted() {
        Instant now = clock.instant();
        List<AuditEvent> events = new ArrayList<>();
        synchronized (audited) {
            for (Map.Entry<String, Audited> entry : audited.entrySet()) {
                Audited carried = entry.getValue();
                if (carried.count > 0 && now.toEpochMilli() - carried.millis >= AUDIT_INTERVAL_MILLIS) {
                    String key = entry.getKey();
                    String site = key.substring(0, key.lastIndexOf(' '));
                    String reason = key.substring(key.lastIndexOf(' ') + 1);
                    entry.setValue(new Audited(now.toEpochMilli()));
                    events.add(new AuditEvent(now, AuditEvent.FEDERATION, site, "", "import", carried.topic,
                            "refused", reason + ": " + carried.count + " more refused for this reason since the last"
                                    + " entry; the last: " + carried.detail));
                }
            }
        }
        events.forEach(audit);
    }

    /** The last audited refusal of a site and reason, and what was only counted after it (guarded by the map). */
    private static final class Audited {
        final long millis;
        long count;
        String topic;
        String detail;

        Audited(long millis) {
            this.millis = millis;
        }

        void counted(String lastTopic, String lastDetail) {
            count++;
            topic = lastTopic;
            detail = lastDetail;
        }
    }

    public Map<String, Long> exported() {
        return exported.snapshot();
    }

    public Map<String, Long> imported() {
        return imported.snapshot();
    }

    public Map<String, Long> refused() {
        return refused.snapshot();
    }

    public Map<String, Long> dropped() {
        return dropped.snapshot();
    }

    /** Counts a reading that could not leave, for a reason the engine does not see itself. */
    void drop(String reason) {
        dropped.increment(reason);
    }

    FederationStatus.Refusal lastRefusal() {
        return lastRefusal.get();
    }

    long lagMillis() {
        return lagMillis.get();
    }

    long received() {
        return received.get();
    }
}
