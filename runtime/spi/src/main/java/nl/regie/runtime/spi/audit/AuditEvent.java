package nl.regie.runtime.spi.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the audit log: who did what to what, when, and how it ended.
 *
 * @param time    when it happened
 * @param kind    what sort of event: one of the constants of this record, such as {@link #SCOPE} or {@link #COMMAND}
 * @param actor   who acted: a plugin's symbolic name, an HTTP token's name, {@code folder}, {@code shell} or
 *                {@code operator}
 * @param party   the party the actor acts for, or "" when none applies
 * @param action  what was attempted, for example {@code publish}, {@code subscribe}, {@code read}, {@code update},
 *                {@code dim}
 * @param target  what it was attempted on: a topic, a topic filter, an entity id, a plugin, a PID
 * @param outcome how it ended, for example {@code denied}, {@code granted}, {@code PROMOTED}, {@code COMPLETED}
 * @param detail  the reason or any further detail, or ""
 */
public record AuditEvent(Instant time, String kind, String actor, String party, String action, String target,
        String outcome, String detail) {

    /** A plugin acted outside its declared scope (publish, subscribe, actuate) and was refused. */
    public static final String SCOPE = "scope";
    /** A party's read of another party's data was granted or denied by the policy. */
    public static final String READ = "read";
    /** The policy was applied, changed or refused. */
    public static final String POLICY = "policy";
    /** A plugin was installed, updated, rolled back or removed. */
    public static final String PLUGIN = "plugin";
    /** A command was sent and ended. */
    public static final String COMMAND = "command";
    /** An HTTP caller was refused (401, 403). */
    public static final String ACCESS = "access";
    /**
     * A device's credentials were issued, renewed or revoked (or such a request refused), or the device bridge refused
     * a device's message (another device's entity, a time too far ahead, another device's command).
     */
    public static final String DEVICE = "device";
    /**
     * A service a plugin registered for others to trust (an actuation driver, a notifier, an HTTP servlet, filter or
     * context) was ignored: outside its declared scope or not granted by the policy.
     */
    public static final String SERVICE = "service";
    /** A plugin went past one of its limits (publish rate, entities, subscriptions, threads). */
    public static final String LIMIT = "limit";
    /** A configuration the config folder applied was changed some other way, and put back. */
    public static final String CONFIG = "config";
    /**
     * The federation refused a reading from another site (outside its import rules, malformed, too many hops, a
     * loop), or its link to the shared broker was refused.
     */
    public static final String FEDERATION = "federation";
    /**
     * What one party received of another's data (or a remote site of this site's), summed per owner, recipient, entity
     * type and form since the last such event: the policy records these about once an hour, never one per reading.
     */
    public static final String SHARE = "share";

    /** Checks that every field is present ("" where nothing applies). */
    public AuditEvent {
        Objects.requireNonNull(time, "audit time is required");
        Objects.requireNonNull(kind, "audit kind is required");
        Objects.requireNonNull(actor, "audit actor is required");
        Objects.requireNonNull(party, "audit party is required (\"\" for none)");
        Objects.requireNonNull(action, "audit action is required");
        Objects.requireNonNull(target, "audit target is required");
        Objects.requireNonNull(outcome, "audit outcome is required");
        Objects.requireNonNull(detail, "audit detail is required (\"\" for none)");
    }

    /** The fields in their order, the time as ISO-8601 text: what one line of the log and of {@code /api/audit} holds. */
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", time.toString());
        fields.put("kind", kind);
        fields.put("actor", actor);
        fields.put("party", party);
        fields.put("action", action);
        fields.put("target", target);
        fields.put("outcome", outcome);
        fields.put("detail", detail);
        return fields;
    }
}
