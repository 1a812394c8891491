package nl.regie.runtime.sovereignty.policy;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.SharingRule;

/**
 * The {@link ReadView} of one reader: applies the policy in force on every call (a new version clears what the view
 * remembered), passes the reader's own party's readings as they are, and the rest through the first grant whose
 * filter matches. A denial is counted every time and audited once per owner party and {@code Type/+/attribute}.
 * Not thread-safe: one view per subscription, HTTP request or stream client.
 */
final class PolicyView implements ReadView {

    /** Decisions and audited denials remembered per view before they are forgotten and worked out again. */
    private static final int MEMORY_LIMIT = 50_000;

    private final PolicyEngine engine;
    /** The reader's party, or null when it is a plugin's, worked out again under each policy. */
    private final String fixedParty;
    private final String readerName;
    /** Whether this view lets readings leave for the remote site {@code fixedParty} under the export rules. */
    private final boolean export;
    private String readerParty;
    private final LongAdder denied;
    private final LongAdder withheldSums;
    private Policy policy;
    private String lastSource;
    private String lastOwner;
    /** Per owner party, per topic (or per entity type, then attribute, when the policy ignores local ids). */
    private final Map<String, Map<String, Object>> decisions = new HashMap<>();
    private final Set<String> audited = new HashSet<>();
    private ZoneSums zones;
    private int remembered;
    /** The last decision by owner, type and attribute (a stream mostly repeats a topic): skips three map lookups. */
    private String lastDecidedOwner;
    private String lastDecidedType;
    private String lastDecidedAttribute;
    private Decision lastDecision;

    /** A grant that lets a topic through, or why it does not; {@code audited} once its denial is in the log. */
    private static final class Decision {
        final Grant grant;
        final String denial;
        /** Counts the readings this grant let through, for the audit log's sharing records; null for a denial. */
        final LongAdder shared;
        boolean audited;

        Decision(Grant grant, String denial) {
            this(grant, denial, null);
        }

        Decision(Grant grant, String denial, LongAdder shared) {
            this.grant = grant;
            this.denial = denial;
            this.shared = shared;
        }
    }

    /** A view for a reader of a fixed party, or with {@code readerParty} null for the plugin {@code readerName}. */
    PolicyView(PolicyEngine engine, String readerParty, String readerName, LongAdder denied, LongAdder withheldSums) {
        this(engine, readerParty, readerName, denied, withheldSums, false);
    }

    /**
     * With {@code export}, a view of what leaves for the remote site {@code site} under the policy's export rules: no
     * reading passes as it is for being the reader's own, each needs a rule.
     */
    PolicyView(PolicyEngine engine, String site, String readerName, LongAdder denied, LongAdder withheldSums,
            boolean export) {
        this.engine = engine;
        this.fixedParty = site;
        this.readerName = readerName;
        this.denied = denied;
        this.export = export;
        this.withheldSums = withheldSums;
        this.zones = new ZoneSums(withheldSums);
    }

    @Override
    public Reading apply(Reading reading) {
        Policy current = engine.snapshot();
        if (current != policy) {
            start(current);
        }
        String source = reading.source();
        String owner;
        if (source.equals(lastSource)) {
            owner = lastOwner;
        } else {
            owner = current.partyOfSource(source);
            lastSource = source;
            lastOwner = owner;
        }
        return !export && owner.equals(readerParty) && !AccessPolicy.NO_PARTY.equals(readerParty) ? reading
                : shared(current, owner, reading);
    }

    private void start(Policy current) {
        policy = current;
        readerParty = fixedParty != null ? fixedParty : current.partyOfPlugin(readerName);
        lastSource = null;
        lastOwner = null;
        decisions.clear();
        audited.clear();
        zones = new ZoneSums(withheldSums);
        remembered = 0;
        lastDecision = null;
    }

    private Reading shared(Policy current, String owner, Reading reading) {
        Decision decision = decision(current, owner, reading);
        Grant grant = decision.grant;
        if (grant == null) {
            deny(owner, reading, decision);
            return null;
        }
        Reading shared;
        if (grant.aggregates()) {
            shared = zones.add(reading, grant.aggregate(), grant.minSources());
        } else if (grant.grid() > 0 && reading.location() != null) {
            shared = reading.withLocation(new ZoneGrid(grant.grid()).snap(reading.location()));
        } else {
            shared = reading;
        }
        if (shared != null) {
            decision.shared.increment();
        }
        return shared;
    }

    /**
     * The remembered decision for the reading's topic, worked out on first sight. When no filter of the policy names a
     * local id, the decision depends only on type and attribute, and is found without building the topic.
     */
    private Decision decision(Policy current, String owner, Reading reading) {
        if (lastDecision != null && owner.equals(lastDecidedOwner) && reading.attribute().equals(lastDecidedAttribute)
                && reading.entityType().equals(lastDecidedType)) {
            return lastDecision;
        }
        Decision decision = lookUp(current, owner, reading);
        if (current.ignoresLocalIds()) {
            lastDecidedOwner = owner;
            lastDecidedType = reading.entityType();
            lastDecidedAttribute = reading.attribute();
            lastDecision = decision;
        }
        return decision;
    }

    @SuppressWarnings("unchecked")
    private Decision lookUp(Policy current, String owner, Reading reading) {
        Map<String, Object> ofOwner = decisions.computeIfAbsent(owner, o -> new HashMap<>());
        Map<String, Decision> byKey;
        String key;
        String topic;
        if (current.ignoresLocalIds()) {
            byKey = (Map<String, Decision>) ofOwner.computeIfAbsent(reading.entityType(), t -> new HashMap<>());
            key = reading.attribute();
            topic = null;
        } else {
            byKey = (Map<String, Decision>) (Map<String, ?>) ofOwner;
            topic = reading.topic();
            key = topic;
        }
        Decision decision = byKey.get(key);
        if (decision == null) {
            decision = decide(current, owner, topic != null ? topic : reading.entityType() + "/+/" + reading.attribute());
            if (++remembered > MEMORY_LIMIT) {
                ofOwner.clear();
                remembered = 1;
                return decision;
            }
            byKey.put(key, decision);
        }
        return decision;
    }

    private Decision decide(Policy current, String owner, String topic) {
        if (AccessPolicy.NO_PARTY.equals(readerParty)) {
            return new Decision(null, "the reader acts for no party (its jar is unsigned, or its key is not in the"
                    + " policy's keys), so it reads nothing of anyone's");
        }
        Grant grant = export ? current.federation().export(owner, readerParty, topic)
                : current.grant(owner, readerParty, topic);
        if (grant == null) {
            return new Decision(null, export ? "no export rule from " + owner + " to the site " + readerParty
                    + " covers " + topic : "no grant from " + owner + " to " + readerParty + " covers " + topic);
        }
        if (!grant.personal() && current.personal(topic)) {
            return new Decision(null, topic + " is personal and the grant '" + grant + "' does not include personal");
        }
        String type = topic.substring(0, topic.indexOf('/'));
        SharingRule.Form form = grant.aggregates() ? SharingRule.Form.AGGREGATED
                : grant.grid() > 0 ? SharingRule.Form.COARSENED : SharingRule.Form.RAW;
        return new Decision(grant, null, engine.shares().counter(owner, readerParty, export, type, form));
    }

    private void deny(String owner, Reading reading, Decision decision) {
        denied.increment();
        if (decision.audited) {
            return;
        }
        decision.audited = true;
        String pattern = reading.entityType() + "/+/" + reading.attribute();
        if (audited.size() < MEMORY_LIMIT && audited.add(owner + ' ' + pattern)) {
            engine.audit(new AuditEvent(Instant.now(), AuditEvent.READ, readerName, readerParty,
                    export ? "export" : "read", pattern,
                    "denied", "owned by " + owner + " (source " + reading.source() + "): " + decision.denial));
        }
    }
}
