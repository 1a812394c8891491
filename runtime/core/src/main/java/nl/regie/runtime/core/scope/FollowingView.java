package nl.regie.runtime.core.scope;

import nl.regie.api.model.Reading;
import nl.regie.runtime.spi.bus.ReadView;
import nl.regie.runtime.spi.policy.AccessPolicy;

/**
 * A plugin's read view that follows the policy service: when another policy takes over (the sovereignty bundle starts
 * after a plugin subscribed under the runtime's single-party default, or is replaced), the next reading goes through a
 * view of the new one. Used by one thread at a time, like any {@link ReadView}; costs one volatile read per reading.
 */
final class FollowingView implements ReadView {

    private final ScopeGuards guards;
    private final String symbolicName;
    private AccessPolicy policy;
    private ReadView view;

    FollowingView(ScopeGuards guards, String symbolicName) {
        this.guards = guards;
        this.symbolicName = symbolicName;
    }

    @Override
    public Reading apply(Reading reading) {
        AccessPolicy current = guards.policy();
        if (current != policy) {
            view = current.pluginView(symbolicName);
            policy = current;
        }
        return view.apply(reading);
    }
}
