package nl.regie.runtime.ngsild.model;

import java.util.Locale;

import nl.regie.runtime.ngsild.problem.NgsiLdException;

/** The three representations of an entity the standard defines (clause 4.5): normalized is the default. */
public enum Format {
    /** Every attribute as an object with its {@code type} ({@code Property}, {@code GeoProperty}) and value. */
    NORMALIZED,
    /** Attributes without their {@code type}; one with nothing but a value is the value alone. */
    CONCISE,
    /** Attributes as their values alone. */
    KEY_VALUES;

    /**
     * The format {@code options} and {@code format} ask for: {@code format} wins, then {@code keyValues} or
     * {@code concise} among the options, else normalized.
     *
     * @param options the {@code options} parameter, comma-separated, or null
     * @param format  the {@code format} parameter, or null
     * @throws NgsiLdException InvalidRequest for an unknown value, or options asking for two formats
     */
    public static Format of(String options, String format) {
        if (format != null) {
            return switch (format) {
                case "normalized" -> NORMALIZED;
                case "concise" -> CONCISE;
                case "keyValues", "simplified" -> KEY_VALUES;
                default -> throw NgsiLdException.invalid("format must be normalized, concise or keyValues, was '"
                        + format + "'");
            };
        }
        Format chosen = null;
        if (options != null) {
            for (String option : options.split(",")) {
                Format named = switch (option.strip()) {
                    case "keyValues", "simplified" -> KEY_VALUES;
                    case "concise" -> CONCISE;
                    case "normalized" -> NORMALIZED;
                    case "sysAttrs", "noOverwrite", "" -> null;
                    default -> throw NgsiLdException.invalid("unknown option '" + option.strip()
                            + "'; known are keyValues, concise, normalized, sysAttrs and noOverwrite");
                };
                if (named != null && chosen != null && named != chosen) {
                    throw NgsiLdException.invalid("options ask for two representations: "
                            + chosen.name().toLowerCase(Locale.ROOT) + " and " + option.strip());
                }
                chosen = named != null ? named : chosen;
            }
        }
        return chosen != null ? chosen : NORMALIZED;
    }
}
