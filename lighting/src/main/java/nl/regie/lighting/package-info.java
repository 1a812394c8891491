/**
 * The lighting plugin: streetlights follow the sun, dim late at night and brighten where crowds are.
 *
 * <p>It subscribes to {@code Streetlight/+/+} and {@code CrowdFlowObserved/+/crowdLevel}. Each lamp's level
 * comes from its {@link nl.regie.lighting.NightProfile} (off by day, full from sunset, dimmed from
 * {@code dim.from} until sunrise, sunrise and sunset from {@link nl.regie.lighting.SunCalculator} for the lamp's
 * location and date) and goes to full while a busy or critical crowd zone is within reach
 * ({@link nl.regie.lighting.ZoneBoosts}; mobility publishes the crowd levels, and lighting works the same
 * without it). Commands ({@code dim} with {@code level}; 0 switches off) go through the runtime's
 * {@code Actuation}, bounded and retried by {@link nl.regie.lighting.CommandQueue}. A lamp that is on but draws
 * no power raises a maintenance alert ({@link nl.regie.lighting.LampFailureDetector}).
 *
 * <p>Lighting commands individual {@code Streetlight} entities only. {@code StreetlightGroup} controllers are
 * left to operators: their members report on their own entities, so every lamp is seen and driven on its own,
 * and a command to a group would fight the per-lamp targets (a boosted lamp and a dimmed one can share a street).
 *
 * <p>The domain classes hold no OSGi; {@link nl.regie.lighting.LightingComponent} is the thin DS adapter.
 */
package nl.regie.lighting;
