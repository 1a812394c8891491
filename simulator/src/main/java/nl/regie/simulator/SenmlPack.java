package nl.regie.simulator;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    private final ArrayNode records = JsonCodec.array();
    private final ObjectNode base;
    private boolean first = true;

    /** A pack for the entity {@code entityUrn} observed at {@code observedMillis} (epoch milliseconds). */
    SenmlPack(String entityUrn, long observedMillis) {
        base = records.addObject().put("bn", entityUrn + ':').put("bt", BigDecimal.valueOf(observedMillis, 3).stripTrailingZeros());
    }

    /** Adds a numeric record rounded to {@code decimals}. */
    SenmlPack number(String attribute, String unit, double value, int decimals) {
        record(attribute, unit).put("v", JsonCodec.rounded(value, decimals));
        return this;
    }

    /** Adds a string record ({@code vs}), without a unit. */
    SenmlPack text(String attribute, String value) {
        record(attribute, null).put("vs", value);
        return this;
    }

    /** Adds a boolean record ({@code vb}), without a unit. */
    SenmlPack bool(String attribute, boolean value) {
        record(attribute, null).put("vb", value);
        return this;
    }

    /** The pack as JSON text. */
    String toJson() {
        if (first) {
            throw new IllegalStateException("a SenML pack needs at least one record");
        }
        return JsonCodec.write(records);
    }

    /** The next record, with its name and unit: the first one shares the object of the base fields. */
    private ObjectNode record(String attribute, String unit) {
        ObjectNode record = first ? base : records.addObject();
        first = false;
        record.put("n", attribute);
        if (unit != null) {
            record.put("u", unit);
        }
        return record;
    }
}
