package nl.regie.runtime.devices.senml;

/**
 * The bounds a {@link SenmlParser} puts on one pack, so that a device cannot make the runtime do unbounded work.
 *
 * @param maxPayloadBytes the largest payload accepted, in bytes; a larger one is refused before it is parsed
 * @param maxRecords      the most records one pack may hold
 */
public record SenmlLimits(int maxPayloadBytes, int maxRecords) {

    /** Default {@link #maxPayloadBytes()}: 64 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Default {@link #maxRecords()}. */
    public static final int DEFAULT_MAX_RECORDS = 1_000;

    /**
     * Checks both bounds.
     *
     * @throws IllegalArgumentException naming the bound that is not positive
     */
    public SenmlLimits {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be at least 1, was " + maxPayloadBytes);
        }
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1, was " + maxRecords);
        }
    }

    /** The defaults: payloads up to 64 KiB, packs of up to 1,000 records. */
    public static SenmlLimits defaults() {
        return new SenmlLimits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_RECORDS);
    }
}
