package nl.regie.runtime.core.scope;

import org.osgi.framework.Bundle;

/**
 * Hands each bundle the guard of its declared scope, for the bundle-scoped views of the bus, the city state and
 * actuation. Implemented by {@link ScopeGuards}.
 */
public interface Scopes {

    /** The guard of a bundle: unrestricted for the runtime's own bundles, else the scope its manifest declares. */
    ScopeGuard forBundle(Bundle bundle);

    /** The guard that checks nothing, as the runtime's own bundles get. */
    ScopeGuard unrestricted();
}
