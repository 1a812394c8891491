package nl.regie.runtime.devices.senml;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The units a record may carry: the IANA SenML Units registry (RFC 8428 §12.1, grown by RFC 8798 §3) and the
 * Secondary Units registry (RFC 8798 §4), shipped as {@code senml-units.txt} next to this class, plus the units an
 * operator allows beyond them ({@link SenmlLimits#extraUnits()}). A unit is checked in three steps, each with its own
 * message: its length, control characters, then the registry. A unit that passes is given back as the one instance
 * this class holds of it, so the readings of every pack share a few unit strings instead of each holding its own copy
 * (the city state keeps one per attribute of every entity).
 */
final class SenmlUnits {

    /** Longer than any registered symbol (the longest, {@code beat/min}, has 8 characters) with room for extras. */
    static final int MAX_UNIT_LENGTH = 32;

    /** The registry's units, each mapped to itself: the instance a checked unit is given back as. */
    private static final Map<String, String> REGISTERED = load();

    private final Map<String, String> extra;

    SenmlUnits(Set<String> extra) {
        Map<String, String> own = new HashMap<>();
        for (String unit : extra) {
            own.put(unit, unit);
        }
        this.extra = Map.copyOf(own);
    }

    /** The registry's units, as shipped. */
    static Set<String> registered() {
        return REGISTERED.keySet();
    }

    /**
     * Checks the unit of a record's {@code u} or {@code bu}; the empty unit (none) is always allowed.
     *
     * @return the unit, as the instance held here (equal to {@code unit}, shared by every record that carries it)
     * @throws SenmlException naming the record, the field and the rule
     */
    String check(String unit, Field field, int index) throws SenmlException {
        if (unit.isEmpty()) {
            return "";
        }
        if (unit.length() > MAX_UNIT_LENGTH) {
            throw SenmlException.inRecord(index, field.quoted() + " " + SenmlException.quote(unit) + " has "
                    + unit.length() + " characters; a SenML unit (RFC 8428 §12.1 registry) has at most "
                    + MAX_UNIT_LENGTH);
        }
        for (int i = 0; i < unit.length(); i++) {
            char c = unit.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw SenmlException.inRecord(index, field.quoted() + " " + SenmlException.quote(unit)
                        + String.format(" contains the character U+%04X", (int) c)
                        + "; SenML unit symbols (RFC 8428 §12.1) are printable ASCII without spaces");
            }
        }
        String held = REGISTERED.get(unit);
        if (held == null) {
            held = extra.get(unit);
        }
        if (held == null) {
            throw SenmlException.inRecord(index, field.quoted() + " " + SenmlException.quote(unit)
                    + " is not in the SenML Units registry (RFC 8428 §12.1, RFC 8798)"
                    + (extra.isEmpty() ? "" : " nor among the units allowed here " + new TreeSet<>(extra.keySet())));
        }
        return held;
    }

    private static Map<String, String> load() {
        Map<String, String> units = new HashMap<>();
        try (InputStream in = SenmlUnits.class.getResourceAsStream("senml-units.txt")) {
            if (in == null) {
                throw new IllegalStateException("senml-units.txt is missing from the bundle");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String unit = line.split("\t", 2)[0];
                    units.put(unit, unit);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(units);
    }
}
