package nl.regie.runtime.devices.senml;

import java.time.Instant;
import java.util.Objects;

import nl.regie.api.model.Value;

/**
 * One resolved SenML record (RFC 8428 §4.6): no base fields left, no relative time.
 *
 * @param name  the resolved name, base name + name; never empty
 * @param value the value: {@code v} plus base value, else {@code vs}, {@code vb} or {@code vd} (the base64url text
 *              as given), else the sum {@code s} plus base sum
 * @param unit  the unit, {@code u} or else the base unit; empty when neither is given
 * @param time  the absolute time of the measurement
 */
public record SenmlRecord(String name, Value value, String unit, Instant time) {

    /** @throws NullPointerException naming the missing field */
    public SenmlRecord {
        Objects.requireNonNull(name, "name is required");
        Objects.requireNonNull(value, "value is required");
        Objects.requireNonNull(unit, "unit is required (use \"\" for none)");
        Objects.requireNonNull(time, "time is required");
    }
}
