package nl.regie.runtime.state;

import nl.regie.api.state.CityState;

/**
 * The whole city state, unfiltered: the service {@link CityStateComponent} registers for the runtime's own parts.
 * Plugins and the HTTP API get {@link CityState} through {@link BundleCityState}, which filters a plugin's view.
 */
public interface FullCityState extends CityState {
}
