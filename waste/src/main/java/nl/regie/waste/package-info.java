/**
 * The waste plugin: full bins, bin fires and collection routes, from the bins' {@code fillingLevel},
 * {@code temperature} and {@code storedWasteKind} readings.
 *
 * <p>The model. A bin is <em>full</em> at or above its threshold (per waste kind, else the default) and stays full
 * until it drops below the threshold minus a hysteresis ({@link nl.regie.waste.FullRule}). A bin is <em>on
 * fire</em> when it is hot or its temperature rose fast within a window of observation time; it is out when it
 * is cool again and not warming ({@link nl.regie.waste.FireRule}). Both reason in event time (the readings'
 * {@code observedAt}), so they behave the same under the simulator's fast clock and in tests. The full bins are
 * the stops of the <em>collection route</em>: a closed tour from the depot, built by nearest neighbour and
 * improved by 2-opt ({@link nl.regie.waste.RoutePlanner}), re-planned on its own thread at most once per interval
 * of wall-clock time when the set of full bins changes ({@link nl.regie.waste.RoutePublisher}).
 *
 * <p>{@link nl.regie.waste.BinMonitor} holds the state and publishes; {@link nl.regie.waste.WastePlugin} is the
 * DS component around it. Nothing here is exported.
 */
package nl.regie.waste;
