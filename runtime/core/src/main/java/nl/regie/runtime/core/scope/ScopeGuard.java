package nl.regie.runtime.core.scope;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import nl.regie.api.actuation.Command;
import nl.regie.api.model.Deletion;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.spi.policy.ServiceKinds;

/**
 * One plugin's declared scope as its views enforce it: each check either passes or is refused with a message
 * naming the plugin (symbolic name and version) and what it tried, counted and (once per kind and topic pattern,
 * filter or entity type) recorded in the audit log by {@link ScopeGuards}. The runtime's own bundle gets
 * {@link ScopeGuards#unrestricted()}, which passes everything.
 *
 * <p>The services a plugin registers for others to trust (see {@link ServiceKinds}) need both its declaration and the
 * policy's grant: {@link #serviceRefusal} when the service registers (logged by the caller, counted and audited
 * here), {@link #mayUse} each time it would be used, against the policy in force then.
 */
public final class ScopeGuard {

    private static final String GRANT_HINT = "; the operator grants it with a services rule of " + AccessPolicy.PID;

    private final Owner plugin;
    /** Null for the unrestricted guard. */
    private final DeclaredScope scope;
    private final ScopeGuards guards;

    ScopeGuard(Owner plugin, DeclaredScope scope, ScopeGuards guards) {
        this.plugin = plugin;
        this.scope = scope;
        this.guards = guards;
    }

    /** Whether this guard checks nothing (the runtime's own bundle). */
    public boolean isUnrestricted() {
        return scope == null;
    }

    /** The plugin's symbolic name. */
    public String symbolicName() {
        return plugin.symbolicName();
    }

    /** The plugin's version. */
    String version() {
        return plugin.version();
    }

    /** The party the plugin acts for, under the policy in force. */
    public String party() {
        return guards.policy().partyOfPlugin(plugin.symbolicName());
    }

    /**
     * Checks a reading the plugin publishes: its topic must be in the declared {@code publishes} and its source must
     * be the plugin's symbolic name (the owner of data is known from its source).
     *
     * @throws SecurityException naming the plugin and the topic
     */
    public void checkPublish(Reading reading) {
        if (scope == null) {
            return;
        }
        Objects.requireNonNull(reading, "cannot publish a null reading");
        // The publisher's hot path: nothing is built unless the publish is refused.
        if (!plugin.symbolicName().equals(reading.source())) {
            throw refuse("publish", reading.topic(), pattern(reading) + " source", "its source '" + reading.source()
                    + "' is not the plugin's symbolic name " + plugin.symbolicName());
        }
        if (!scope.mayPublish(reading)) {
            throw refuse("publish", reading.topic(), pattern(reading), "the topic is outside its declared scope"
                    + " (publishes " + scope.publishesText() + ")");
        }
    }

    /**
     * Checks a deletion the plugin asks for, as a publish is checked: an attribute's topic must be in the declared
     * {@code publishes}; for a whole entity, some attribute of it must be, and so must every attribute the city state
     * holds of it now ({@code held}).
     *
     * @throws SecurityException naming the plugin and the topic
     */
    public void checkDelete(Deletion deletion, Collection<String> held) {
        if (scope == null) {
            return;
        }
        EntityId entity = deletion.entity();
        String pattern = entity.type() + "/+/" + (deletion.wholeEntity() ? "#" : deletion.attribute());
        if (deletion.wholeEntity() ? !scope.mayPublishOn(entity.type(), entity.localId())
                : !scope.mayPublish(entity.type(), entity.localId(), deletion.attribute())) {
            throw refuse("delete", deletion.topic(), pattern, "the topic is outside its declared scope (publishes "
                    + scope.publishesText() + ")");
        }
        if (deletion.wholeEntity()) {
            for (String attribute : held) {
                if (!scope.mayPublish(entity.type(), entity.localId(), attribute)) {
                    throw refuse("delete", deletion.topic(), pattern, "its attribute " + attribute + " is outside its"
                            + " declared scope (publishes " + scope.publishesText() + ")");
                }
            }
        }
    }

    /**
     * Checks the filters of a subscription: each must be well formed and covered by the declared {@code reads}.
     *
     * @return the filters as given
     * @throws IllegalArgumentException if a filter is malformed (naming it)
     * @throws SecurityException        naming the plugin and the first filter not covered
     */
    public List<String> checkSubscribe(Collection<String> topicFilters) {
        Objects.requireNonNull(topicFilters, "topic filters must not be null");
        List<TopicFilter> filters = new ArrayList<>();
        for (String text : topicFilters) {
            filters.add(TopicFilter.parse(text));
        }
        if (scope != null) {
            for (TopicFilter filter : filters) {
                if (!scope.covers(filter)) {
                    throw refuse("subscribe", filter.toString(), filter.toString(), "the filter is not covered by"
                            + " its declared scope (reads " + scope.readsText() + ")");
                }
            }
        }
        return List.copyOf(topicFilters);
    }

    /**
     * Checks a command the plugin sends.
     *
     * @return null if it may be sent; otherwise why not, naming the plugin and the entity type (already audited)
     */
    public String commandRefusal(Command command) {
        String type = command.target().type();
        if (scope == null || scope.mayActuate(type)) {
            return null;
        }
        String reason = "plugin " + describe() + " may not actuate entity type " + type
                + ": it is outside its declared scope (actuates " + scope.actuatesText() + ")";
        guards.refused(this, "actuate", command.action(), command.target().toString(), type, reason);
        return reason;
    }

    /**
     * Checks a service the plugin registers for others to trust: each value the registration needs must be in the
     * plugin's declared scope and granted by the policy in force.
     *
     * @param kind    {@value ServiceKinds#DRIVES}, {@value ServiceKinds#NOTIFIES} or {@value ServiceKinds#SERVES}
     * @param needed  what the registration needs: entity types, or paths ({@code /} for everything); empty for a
     *                notifier, which needs some party declared and granted
     * @param service the service as messages name it, such as {@code ActuationDriver service 42}
     * @return null if the plugin may; else why not, naming the plugin, the service and what is missing (already
     *         counted, and audited the first time per plugin version, kind and value)
     */
    public String serviceRefusal(String kind, Collection<String> needed, String service) {
        String[] why = why(kind, needed);
        if (why == null) {
            return null;
        }
        String message = "plugin " + describe() + " may not register " + service + ": " + why[1];
        guards.refused(this, kind, kind, service, why[0], message, AuditEvent.SERVICE);
        return message;
    }

    /** Like {@link #serviceRefusal}, but quiet: for a service checked again each time it would be used. */
    public boolean mayRegister(String kind, Collection<String> needed) {
        return why(kind, needed) == null;
    }

    /** Null if the registration may be; else its audit key (kind and value) and why not. */
    private String[] why(String kind, Collection<String> needed) {
        if (scope == null) {
            return null;
        }
        List<String> declared = scope.services(kind);
        List<String> granted = granted(kind);
        if (needed.isEmpty()) {
            if (declared.isEmpty()) {
                return new String[] {kind, "its declared scope has no " + kind + " (@PluginScope(" + kind + " = ...))"};
            }
            if (declared.stream().noneMatch(value -> ServiceKinds.covers(kind, granted, value))
                    && granted.stream().noneMatch(value -> scope.declares(kind, value))) {
                return new String[] {kind, "the policy grants it no " + kind + " its scope declares (declared "
                        + declared + ", granted " + granted + ")" + GRANT_HINT};
            }
            return null;
        }
        for (String value : needed) {
            if (!scope.declares(kind, value)) {
                return new String[] {kind + " " + value, kind + " " + value + " is not in its declared scope (" + kind
                        + " " + declared + ")"};
            }
            if (!ServiceKinds.covers(kind, granted, value)) {
                return new String[] {kind + " " + value, "the policy does not grant it " + kind + " " + value
                        + " (granted " + granted + ")" + GRANT_HINT};
            }
        }
        return null;
    }

    /**
     * Whether a service of the plugin may be used for a value now: declared, and granted by the policy in force.
     * Quiet: what was refused at registration is already recorded.
     */
    public boolean mayUse(String kind, String value) {
        return scope == null || scope.declares(kind, value) && ServiceKinds.covers(kind, granted(kind), value);
    }

    /**
     * Whether the plugin's notifiers may deliver a notification that a plugin sent, by the sender's party under the
     * policy in force: that party must be declared ({@code notifies}) and granted. Quiet, like {@link #mayUse}.
     */
    public boolean mayDeliverFrom(String sender) {
        if (scope == null) {
            return true;
        }
        try {
            return mayUse(ServiceKinds.NOTIFIES, guards.policy().partyOfPlugin(sender));
        } catch (RuntimeException e) {
            return false; // a policy that cannot say whose it is lets nothing out
        }
    }

    private List<String> granted(String kind) {
        try {
            return guards.policy().grantedServices(plugin.symbolicName(), kind);
        } catch (RuntimeException e) {
            return List.of(); // a policy that cannot answer grants nothing
        }
    }

    /** Whether the plugin may read an attribute of an entity (for the city state). */
    public boolean mayRead(String entityType, String localId, String attribute) {
        return scope == null || scope.mayRead(entityType, localId, attribute);
    }

    /**
     * A new read view of the policy for one subscription or query of the plugin, or null for the unrestricted guard
     * (the runtime sees everything).
     */
    public ReadView newReadView() {
        return scope == null ? null : new FollowingView(guards, plugin.symbolicName());
    }

    /** The plugin as messages name it: symbolic name and version. */
    public String describe() {
        return plugin.symbolicName() + ' ' + plugin.version();
    }

    /** Counts and (the first time per key) audits a refusal; the exception to throw. */
    private SecurityException refuse(String action, String target, String key, String why) {
        String message = "plugin " + describe() + " may not " + action + " " + target + ": " + why;
        guards.refused(this, action, action, target, key, message);
        return new SecurityException(message);
    }

    @Override
    public String toString() {
        return scope == null ? "unrestricted" : describe() + ": " + scope;
    }

    /** The reading's topic with its local id left out: one audit record stands for all entities of the type. */
    private static String pattern(Reading reading) {
        return reading.entityType() + "/+/" + reading.attribute();
    }
}
