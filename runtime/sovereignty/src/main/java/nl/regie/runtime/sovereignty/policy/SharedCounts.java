package nl.regie.runtime.sovereignty.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.policy.SharingRule;

/**
 * How many readings each party let another party (or a remote site) have, per entity type and form, since the last
 * {@link #drain}: what the audit log records of sharing, as one {@link AuditEvent#SHARE} event per owner, recipient,
 * type and form at each drain, not one per reading. Bounded: past {@value #MAX_KEYS} distinct keys, further sharing is
 * counted under the entity type {@value #OTHER_TYPE}.
 */
final class SharedCounts {

    /** The most owner, recipient, type and form combinations counted apart between two drains. */
    static final int MAX_KEYS = 10_000;
    /** The entity type sharing is counted under once {@value #MAX_KEYS} keys are taken. */
    static final String OTHER_TYPE = "(other)";

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile Instant since;

    private record Key(String owner, String recipient, boolean site, String type, SharingRule.Form form) {
    }

    SharedCounts(Instant since) {
        this.since = since;
    }

    /** The counter for readings of {@code type} owned by {@code owner} that {@code recipient} received in a form. */
    LongAdder counter(String owner, String recipient, boolean site, String type, SharingRule.Form form) {
        Key key = new Key(owner, recipient, site, type, form);
        LongAdder counter = counts.get(key);
        if (counter != null) {
            return counter;
        }
        if (counts.size() >= MAX_KEYS) {
            key = new Key(owner, recipient, site, OTHER_TYPE, form);
        }
        return counts.computeIfAbsent(key, k -> new LongAdder());
    }

    /**
     * The audit events for what was shared since the last drain, counters reset. Each event: actor and party the
     * recipient (a remote site as {@code site:{name}}), action {@code receive} (or {@code export} to a site), target
     * {@code {owner}>{recipient} {EntityType}}, outcome the form ({@code raw}, {@code coarsened}, {@code aggregated}),
     * detail {@code {count} readings since {instant}}.
     */
    synchronized List<AuditEvent> drain(Instant now) {
        Instant from = since;
        since = now;
        return events(now, from, true);
    }

    /**
     * What was shared since the last drain, counters kept: events in the form {@link #drain} gives, each stamped with
     * the time of the last drain (when the count began) instead of now. Never at the same time as a drain, so an event
     * stamped {@code t} holds exactly what a drain at a later time would have recorded since {@code t}, so far.
     */
    synchronized List<AuditEvent> peek() {
        return events(since, since, false);
    }

    private List<AuditEvent> events(Instant at, Instant from, boolean reset) {
        List<AuditEvent> events = new ArrayList<>();
        counts.forEach((key, counter) -> {
            long count = reset ? counter.sumThenReset() : counter.sum();
            if (count > 0) {
                String recipient = key.site() ? "site:" + key.recipient() : key.recipient();
                events.add(new AuditEvent(at, AuditEvent.SHARE, recipient, recipient,
                        key.site() ? "export" : "receive", key.owner() + ">" + key.recipient() + " " + key.type(),
                        key.form().name().toLowerCase(Locale.ROOT), count + " readings since " + from));
            }
        });
        return events;
    }
}
