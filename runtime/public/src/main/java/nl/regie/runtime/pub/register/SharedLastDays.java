package nl.regie.runtime.pub.register;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditQuery;
import nl.regie.runtime.spi.audit.AuditReader;

/**
 * What was shared in the last 30 days, per recipient, from the audit log's {@link AuditEvent#SHARE} events (the policy
 * records one per owner, recipient, entity type and form about once an hour) and the policy's running counts of the
 * current hour, so a share made a minute ago shows. Plain Java.
 */
public final class SharedLastDays {

    /** How far back the register looks. */
    public static final Duration PERIOD = Duration.ofDays(30);
    /** The most share events read for one answer: 30 days of hourly records of about 20 owner-recipient-type pairs. */
    static final int MAX_EVENTS = 20_000;

    private SharedLastDays() {
    }

    /**
     * Readings one recipient received of one owner's entity type in one form.
     *
     * @param recipient the party, or {@code site:{name}} for a remote site
     * @param owner     whose data it was
     * @param type      the entity type
     * @param form      {@code raw}, {@code coarsened} or {@code aggregated}
     * @param readings  how many
     */
    public record Shared(String recipient, String owner, String type, String form, long readings) {
    }

    /**
     * The sums of the last 30 days.
     *
     * @param shared    by recipient, owner, type and form
     * @param truncated whether more events matched than were read (the oldest were left out)
     */
    public record Summary(List<Shared> shared, boolean truncated) {
    }

    /**
     * The sums of the last {@link #PERIOD} before {@code now}, by recipient, owner, type and form: the audit log's
     * records, and the policy's running counts of the current hour, not yet recorded.
     *
     * @param running the policy's running counts ({@code AccessPolicy.sharingNotYetAudited}), each stamped with when
     *                its count began; read before the audit log, so a record the policy makes in between (stamped
     *                later) is left out rather than counted twice
     */
    public static Summary read(AuditReader audit, List<AuditEvent> running, Instant now) {
        List<AuditEvent> events = new ArrayList<>(audit.read(new AuditQuery(AuditEvent.SHARE, null, null,
                now.minus(PERIOD), MAX_EVENTS)));
        boolean truncated = events.size() >= MAX_EVENTS;
        if (!running.isEmpty()) {
            Instant began = running.get(0).time();
            events.removeIf(event -> event.time().isAfter(began));
            events.addAll(running);
        }
        return new Summary(summarise(events), truncated);
    }

    /** The events' counts summed by recipient, owner, type and form; an event not in the share format is skipped. */
    public static List<Shared> summarise(List<AuditEvent> events) {
        Map<List<String>, Long> sums = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0))
                .thenComparing(key -> key.get(1)).thenComparing(key -> key.get(2)).thenComparing(key -> key.get(3)));
        for (AuditEvent event : events) {
            if (!AuditEvent.SHARE.equals(event.kind())) {
                continue;
            }
            int arrow = event.target().indexOf('>');
            int space = event.target().indexOf(' ');
            int end = event.detail().indexOf(' ');
            if (arrow < 1 || space < arrow || end < 1) {
                continue;
            }
            long count;
            try {
                count = Long.parseLong(event.detail().substring(0, end));
            } catch (NumberFormatException e) {
                continue;
            }
            List<String> key = List.of(event.actor(), event.target().substring(0, arrow),
                    event.target().substring(space + 1), event.outcome());
            sums.merge(key, count, Long::sum);
        }
        List<Shared> shared = new ArrayList<>();
        sums.forEach((key, count) -> shared.add(new Shared(key.get(0), key.get(1), key.get(2), key.get(3), count)));
        return shared;
    }
}
