package nl.regie.simulator;

/**
 * Writes one SenML JSON pack (RFC 8428) for one entity: the first record carries the base name (the entity's
 * URN followed by {@code ':'}) and the base time (the observation time in epoch seconds); each record has a
 * name (the attribute), a unit where the value has one, and exactly one value ({@code v}, {@code vs} or
 * {@code vb}). The resolved names are therefore {@code urn:ngsi-ld:{Type}:{localId}:{attribute}}.
 *
 * <pre>
 * [{"bn":"urn:ngsi-ld:WasteContainer:bin-001:","bt":1764253800.5,"n":"fillingLevel","u":"/","v":0.42},
 *  {"n":"temperature","u":"Cel","v":11.3}]
 * </pre>
 *
 * <p>Use it once: add records, then {@link #toJson()}.
 */
final class SenmlPack {

    private final StringBuilder out = new StringBuilder(192);
    private boolean first = true;

    /** A pack for the entity {@code entityUrn} observed at {@code observedMillis} (epoch milliseconds). */
    SenmlPack(String entityUrn, long observedMillis) {
        out.append("[{\"bn\":");
        Json.string(out, entityUrn + ':');
        out.append(",\"bt\":");
        Json.number(out, observedMillis / 1000.0, 3);
    }

    /** Adds a numeric record rounded to {@code decimals}. */
    SenmlPack number(String attribute, String unit, double value, int decimals) {
        open(attribute, unit).append(",\"v\":");
        Json.number(out, value, decimals);
        out.append('}');
        return this;
    }

    /** Adds a string record ({@code vs}), without a unit. */
    SenmlPack text(String attribute, String value) {
        open(attribute, null).append(",\"vs\":");
        Json.string(out, value);
        out.append('}');
        return this;
    }

    /** Adds a boolean record ({@code vb}), without a unit. */
    SenmlPack bool(String attribute, boolean value) {
        open(attribute, null).append(",\"vb\":").append(value).append('}');
        return this;
    }

    /** The pack as JSON text. */
    String toJson() {
        if (first) {
            throw new IllegalStateException("a SenML pack needs at least one record");
        }
        return out + "]";
    }

    private StringBuilder open(String attribute, String unit) {
        if (first) {
            first = false;
            out.append(",\"n\":");
        } else {
            out.append(",{\"n\":");
        }
        Json.string(out, attribute);
        if (unit != null) {
            out.append(",\"u\":");
            Json.string(out, unit);
        }
        return out;
    }
}
