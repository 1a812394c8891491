package nl.regie.runtime.spi.state;

import nl.regie.api.state.CityState;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The whole city state, unfiltered: the service the runtime's CityStateComponent registers for the runtime's own parts.
 * Plugins and the HTTP API get {@link CityState} through the runtime's BundleCityState, which filters a plugin's view.
 */
@ProviderType
public interface FullCityState extends CityState {
}
