package nl.regie.runtime.spi.policy;

import java.util.List;
import java.util.Optional;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.bus.TopicFilter;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The operator's data-sharing policy: which party each plugin and each device acts for, and what a party may see
 * of another party's data. Configured under the PID {@value #PID} (a file in the watched config folder, applied
 * through ConfigAdmin); a change takes effect at once for every view already handed out.
 *
 * <p>Data belongs to the party of whoever published it: a reading's {@code source} is a device id or a plugin's
 * symbolic name, and {@link #partyOfSource} says whose it is. A reader of the same party sees it as it is; a reader
 * of another party sees it only under a grant of the operator's policy, through the grant's privacy transforms, and
 * never sees an attribute marked personal unless the grant says so explicitly.
 *
 * <p>The policy also grants plugins the services others trust: which entity types a plugin's actuation drivers may
 * drive, whose notifications its notifiers may deliver, and which URL paths its HTTP whiteboard services may serve
 * ({@link #grantedServices}). A plugin needs both the grant and the same in its declared scope.
 *
 * <p>A plugin's party comes from the key that signed its jar ({@link JarSignatures}), never from its symbolic name:
 * the policy lists the keys it trusts and the party each acts for ({@link #partyOfKey}). A plugin whose jar is
 * unsigned (admitted only in development), or whose key the policy no longer lists, acts for {@link #NO_PARTY}: it
 * reads nothing owned by anyone, and no grant can name what it publishes.
 *
 * <p>Without any configuration every device acts for the {@value #DEFAULT_PARTY} party, no key is trusted, and no
 * plugin is granted any service.
 */
@ProviderType
public interface AccessPolicy {

    /** The configuration PID of the policy. */
    String PID = "nl.regie.runtime.policy";

    /** The party everything acts for when the policy does not say otherwise. */
    String DEFAULT_PARTY = "city";

    /**
     * The party of a plugin whose jar is unsigned, or signed by a key the policy does not list. It is no valid party
     * name, so no grant and no token can name it: such a plugin reads nothing owned by anyone, and what it publishes
     * only the operator sees.
     */
    String NO_PARTY = "(none)";

    /**
     * The party a plugin acts for: the party of the key that signed the plugin's running bundle, or
     * {@link #NO_PARTY}; never null.
     */
    String partyOfPlugin(String symbolicName);

    /** The party that owns what a source publishes: a plugin's symbolic name or a device id; never null. */
    String partyOfSource(String source);

    /**
     * A new view of readings as one reader may see them: one per plugin subscription, HTTP request or stream client.
     * A view may keep state (counts aggregated per zone), so it is used by one thread at a time; it always applies
     * the policy in force when it is called.
     *
     * @param readerParty the party the reader acts for
     * @param readerName  who reads, for the audit log: a plugin's symbolic name or an HTTP token's name
     */
    ReadView readView(String readerParty, String readerName);

    /**
     * A new view for a plugin's subscription or query: like {@code readView(partyOfPlugin(symbolicName),
     * symbolicName)}, except that the runtime's policy works out the plugin's party again whenever the policy changes,
     * so a plugin moved to another party reads as that party at once.
     */
    default ReadView pluginView(String symbolicName) {
        return readView(partyOfPlugin(symbolicName), symbolicName);
    }

    /**
     * The party a signing key acts for, as the policy lists it.
     *
     * @param fingerprint the key's fingerprint, as {@link JarSignatures#fingerprint} writes it
     * @return its party, or empty when the policy does not trust the key (the default)
     */
    default Optional<String> partyOfKey(String fingerprint) {
        return Optional.empty();
    }

    /**
     * The fingerprint of the key that signed a running plugin's bundle.
     *
     * @return the fingerprint, or empty when no such plugin runs or its bundle is unsigned (the default)
     */
    default Optional<String> keyOfPlugin(String symbolicName) {
        return Optional.empty();
    }

    /**
     * What the policy grants a plugin to register of one kind of service that others trust: the union of every
     * {@code services} rule that names the plugin, by symbolic name or by its party.
     *
     * @param symbolicName the plugin's bundle symbolic name
     * @param kind         {@code drives} (the values are entity types), {@code notifies} (parties whose notifications
     *                     it may deliver) or {@code serves} (URL path prefixes); {@code *} or {@code /} grants every
     *                     value of its kind
     * @return the granted values, as the policy writes them; empty when nothing is granted (the default)
     */
    default List<String> grantedServices(String symbolicName, String kind) {
        return List.of();
    }

    /**
     * What the policy says about sharing with other sites: remote sites, {@code exports} and {@code imports} rules.
     *
     * @return the rules of the policy in force; {@link FederationRules#NONE} without any (the default)
     */
    default FederationRules federationRules() {
        return FederationRules.NONE;
    }

    /**
     * A new view of readings as they may leave this site for a remote site: the first {@code exports} rule for that
     * site whose owner and filter match decides, through its privacy transforms (personal attributes withheld unless
     * the rule says {@code personal}, locations coarsened by {@code grid=}, counts summed by {@code aggregate=}), the
     * same transforms as a grant's. A view keeps state (zone sums), so it is used by one thread at a time.
     *
     * @param site the remote site the readings are addressed to
     * @return the view; it returns null for a reading no rule lets out (the default view lets nothing out)
     */
    default ReadView exportView(String site) {
        return reading -> null;
    }

    /**
     * Every rule of the policy in force that lets one party's data reach another: its grants, then its {@code exports}
     * rules, in the order the policy writes them. For describing the policy (the public sensor register); what a
     * reader sees is decided by {@link #readView} and {@link #exportView}.
     *
     * @return the rules; empty when nothing is shared (the default)
     */
    default List<SharingRule> sharingRules() {
        return List.of();
    }

    /** The topic filters the policy in force marks personal; empty by default. */
    default List<TopicFilter> personalFilters() {
        return List.of();
    }

    /**
     * What the policy has counted of sharing since it last recorded it in the audit log (it records about once an
     * hour): events in the form of its {@link AuditEvent#SHARE} records, each stamped with the start of the count, the
     * time of the last record. With the audit log's share records up to that instant, this is all that was shared.
     *
     * @return the running counts, not yet in the audit log; empty when there are none (the default)
     */
    default List<AuditEvent> sharingNotYetAudited() {
        return List.of();
    }
}
