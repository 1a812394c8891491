package nl.regie.runtime.spi.access;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether a token still stands, for what outlives the request its caller made: a live stream stays open and a
 * subscription notifies only while the token that opened or made it is configured as it was then. A token removed
 * from the configuration, given another secret, moved to another party or given other scopes no longer stands, so
 * what it started stops. The web bundle's access filter provides it, under the token configuration in force.
 */
@ProviderType
@FunctionalInterface
public interface HttpCallers {

    /**
     * Whether the token of this name is configured now exactly as when {@code grant} was taken from its caller
     * ({@link HttpCaller#grant()}).
     */
    boolean inForce(String tokenName, String grant);

    /** Whether this caller's token still stands; the operator always does. */
    default boolean inForce(HttpCaller caller) {
        return caller.operator() || inForce(caller.name(), caller.grant());
    }
}
