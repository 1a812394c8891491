package nl.regie.runtime.spi.audit;

import java.time.Instant;

/**
 * Which audit events to read: each filter null for any; {@code since} inclusive; at most {@code limit}, newest first.
 *
 * @param kind  only events of this kind
 * @param actor only events by this actor
 * @param party only events of this party
 * @param since only events at or after this time
 * @param limit at most this many events, at least 1
 */
public record AuditQuery(String kind, String actor, String party, Instant since, int limit) {

    /** Checks the limit. */
    public AuditQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("audit query limit must be at least 1, was " + limit);
        }
    }

    /** The newest {@code limit} events of any sort. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, limit);
    }

    /** Whether an event passes the filters. */
    public boolean matches(AuditEvent event) {
        return (kind == null || kind.equals(event.kind()))
                && (actor == null || actor.equals(event.actor()))
                && (party == null || party.equals(event.party()))
                && (since == null || !event.time().isBefore(since));
    }
}
