package nl.regie.runtime.devices.senml;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The units a record may carry: the IANA SenML Units registry (RFC 8428 §12.1, grown by RFC 8798 §3) and the
 * Secondary Units registry (RFC 8798 §4), shipped as {@code senml-units.txt} next to this class, plus the units an
 * operator allows beyond them ({@link SenmlLimits#extraUnits()}). A unit is checked in three steps, each with its own
 * message: its length, control characters, then the registry.
 */
final class SenmlUnits {

    /** Longer than any registered symbol (the longest, {@code beat/min}, has 8 characters) with room for extras. */
    static final int MAX_UNIT_LENGTH = 32;

    private static final Set<String> REGISTERED = load();

    private final Set<String> extra;

    SenmlUnits(Set<String> extra) {
        this.extra = Set.copyOf(extra);
    }

    /** The registry's units, as shipped. */
    static Set<String> registered() {
        return REGISTERED;
    }

    /**
     * Checks the unit of a record's {@code u} or {@code bu}; the empty unit (none) is always allowed.
     *
     * @throws SenmlException naming the record, the field and the rule
     */
    void check(String unit, Field field, int index) throws SenmlException {
        if (unit.isEmpty()) {
            return;
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
        if (!REGISTERED.contains(unit) && !extra.contains(unit)) {
            throw SenmlException.inRecord(index, field.quoted() + " " + SenmlException.quote(unit)
                    + " is not in the SenML Units registry (RFC 8428 §12.1, RFC 8798)"
                    + (extra.isEmpty() ? "" : " nor among the units allowed here " + new java.util.TreeSet<>(extra)));
        }
    }

    private static Set<String> load() {
        Set<String> units = new HashSet<>();
        try (InputStream in = SenmlUnits.class.getResourceAsStream("senml-units.txt")) {
            if (in == null) {
                throw new IllegalStateException("senml-units.txt is missing from the bundle");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    units.add(line.split("\t", 2)[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(units);
    }
}
