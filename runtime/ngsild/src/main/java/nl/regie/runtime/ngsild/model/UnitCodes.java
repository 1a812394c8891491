package nl.regie.runtime.ngsild.model;

import java.util.Map;

/**
 * Regie's units (SenML, RFC 8428 and its registry) and NGSI-LD's {@code unitCode} (UN/CEFACT Common Codes, as the
 * Smart Data Models use them), for the units Regie's parts publish. A unit without a common code passes through as it
 * is in both directions, so nothing is lost.
 */
public final class UnitCodes {

    private static final Map<String, String> CODE_OF_UNIT = Map.ofEntries(
            Map.entry("%", "P1"), Map.entry("Cel", "CEL"), Map.entry("W", "WTT"), Map.entry("kW", "KWT"),
            Map.entry("Wh", "WHR"), Map.entry("m", "MTR"), Map.entry("cm", "CMT"), Map.entry("km/h", "KMH"),
            Map.entry("m/s", "MTS"), Map.entry("lx", "LUX"), Map.entry("kg", "KGM"), Map.entry("V", "VLT"),
            Map.entry("A", "AMP"), Map.entry("Pa", "PAL"), Map.entry("s", "SEC"), Map.entry("ppm", "59"));
    private static final Map<String, String> UNIT_OF_CODE = invert(CODE_OF_UNIT);

    private UnitCodes() {
    }

    private static Map<String, String> invert(Map<String, String> map) {
        return map.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getValue,
                Map.Entry::getKey));
    }

    /** The unitCode of a Regie unit; null for none (an empty unit). */
    public static String codeOf(String unit) {
        if (unit == null || unit.isEmpty()) {
            return null;
        }
        return CODE_OF_UNIT.getOrDefault(unit, unit);
    }

    /** The Regie unit of a unitCode; empty for none. */
    public static String unitOf(String code) {
        if (code == null || code.isEmpty()) {
            return "";
        }
        return UNIT_OF_CODE.getOrDefault(code, code);
    }
}
