package nl.regie.runtime.devices.senml;

import java.util.Objects;
import java.util.Set;

/**
 * The bounds a {@link SenmlParser} puts on one pack, so that a device cannot make the runtime do unbounded work.
 *
 * @param maxPayloadBytes the largest payload accepted, in bytes; a larger one is refused before it is parsed
 * @param maxRecords      the most records one pack may hold
 * @param extraUnits      units accepted beyond the SenML Units registries (RFC 8428 §12.1, RFC 8798)
 */
public record SenmlLimits(int maxPayloadBytes, int maxRecords, Set<String> extraUnits) {

    /** Default {@link #maxPayloadBytes()}: 64 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Default {@link #maxRecords()}. */
    public static final int DEFAULT_MAX_RECORDS = 1_000;
    /**
     * Default {@link #extraUnits()}: {@code 1/h}, vehicles per hour, which the traffic counters of the simulator and
     * the mobility plugin use (after Smart Data Models' {@code intensity}) and no SenML registry has.
     */
    public static final Set<String> DEFAULT_EXTRA_UNITS = Set.of("1/h");

    /**
     * Checks the bounds and the extra units.
     *
     * @throws IllegalArgumentException naming the bound that is not positive, or an extra unit that is empty, longer
     *                                  than 32 characters or holds a space or control character
     */
    public SenmlLimits {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be at least 1, was " + maxPayloadBytes);
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1, was " + maxRecords);
        }
        extraUnits = Set.copyOf(Objects.requireNonNull(extraUnits, "extraUnits"));
        for (String unit : extraUnits) {
            if (unit.isEmpty() || unit.length() > SenmlUnits.MAX_UNIT_LENGTH
                    || unit.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
                throw new IllegalArgumentException("extra unit " + SenmlException.quote(unit) + " must have 1 to "
                        + SenmlUnits.MAX_UNIT_LENGTH + " characters, none a space or control character");
            }
        }
    }

    /** Bounds with no units beyond the registries. */
    public SenmlLimits(int maxPayloadBytes, int maxRecords) {
        this(maxPayloadBytes, maxRecords, Set.of());
    }

    /** The defaults: payloads up to 64 KiB, packs of up to 1,000 records, {@code 1/h} beyond the registries. */
    public static SenmlLimits defaults() {
        return new SenmlLimits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_RECORDS, DEFAULT_EXTRA_UNITS);
    }
}
