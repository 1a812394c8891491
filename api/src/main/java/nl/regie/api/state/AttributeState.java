package nl.regie.api.state;

import java.time.Instant;

import nl.regie.api.model.Value;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The current value of one attribute of an entity, as last reported on the bus.
 *
 * @param value      the value
 * @param unit       its SenML unit, empty if none
 * @param observedAt when it was measured
 * @param source     the device or plugin that reported it
 */
@ProviderType
public record AttributeState(Value value, String unit, Instant observedAt, String source) {
}
