package nl.regie.runtime.spi.policy;

import java.util.List;

import nl.regie.runtime.spi.bus.ReadView;

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
 * <p>Without any configuration every plugin and device acts for the {@value #DEFAULT_PARTY} party, and no plugin is
 * granted any service.
 */
@ProviderType
public interface AccessPolicy {

    /** The configuration PID of the policy. */
    String PID = "nl.regie.runtime.policy";

    /** The party everything acts for when the policy does not say otherwise. */
    String DEFAULT_PARTY = "city";

    /** The party a plugin acts for, by its bundle symbolic name; never null. */
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
}
