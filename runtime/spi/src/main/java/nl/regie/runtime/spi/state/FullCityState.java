package nl.regie.runtime.spi.state;

import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.state.CityState;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The whole city state, unfiltered: the service the runtime's CityStateComponent registers for the runtime's own parts.
 * Plugins and the HTTP API get {@link CityState} through the runtime's BundleCityState, which filters a plugin's view.
 */
@ProviderType
public interface FullCityState extends CityState {

    /**
     * The symbolic names of the plugins that were uninstalled while the city state still holds values they published:
     * those values are stale (nothing will update them), and the HTTP API marks them so. A name leaves the set when a
     * bundle of that name is installed again.
     */
    Set<String> removedPlugins();

    /**
     * The attributes of an entity marked stale because the plugin that published their current value was uninstalled
     * (not updated): nothing will update them. Marked at the uninstall, kept across a restart, and cleared for an
     * attribute by the next reading of it (from any source) or its deletion. Empty for an entity without such marks
     * or an unknown one.
     */
    Set<String> staleAttributes(EntityId id);
}
