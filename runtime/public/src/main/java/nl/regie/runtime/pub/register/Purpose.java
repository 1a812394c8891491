package nl.regie.runtime.pub.register;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Why a type of device measures, as the operator declares it in the config folder: the purpose (in English and Dutch),
 * the legal basis, and whether the device touches personal data.
 *
 * @param type       the entity type of the devices it is for
 * @param legalBasis the legal basis, for example {@code GDPR art. 6(1)(e): public task (Waterwet)}
 * @param personal   whether the operator declares the devices touch personal data
 * @param purposeEn  the purpose, in English
 * @param purposeNl  the purpose, in Dutch
 */
public record Purpose(String type, String legalBasis, boolean personal, String purposeEn, String purposeNl) {

    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
    /** The longest text of one field: the register is read by people, not a place for documents. */
    static final int MAX_TEXT = 500;

    /**
     * The purposes of the configuration's entries, each {@code {Type}|{legal basis}|{yes|no}|{purpose}|{doel}}.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static Map<String, Purpose> parse(String[] entries) {
        Map<String, Purpose> purposes = new LinkedHashMap<>();
        for (String entry : entries == null ? new String[0] : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            String[] fields = entry.split("\\|", -1);
            if (fields.length != 5) {
                throw new IllegalArgumentException("purposes entry '" + entry.strip() + "' must have 5 fields,"
                        + " {Type}|{legal basis}|{yes|no}|{purpose}|{doel}, not " + fields.length);
            }
            String type = fields[0].strip();
            if (!TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("purposes entry '" + entry.strip() + "' must start with an entity"
                        + " type (an upper-case letter, then letters and digits), not '" + type + "'");
            }
            if (purposes.containsKey(type)) {
                throw new IllegalArgumentException("purposes names " + type + " twice");
            }
            String personal = fields[2].strip();
            if (!personal.equals("yes") && !personal.equals("no")) {
                throw new IllegalArgumentException("purposes entry for " + type + ": personal data must be 'yes' or"
                        + " 'no', not '" + personal + "'");
            }
            purposes.put(type, new Purpose(type, text(type, "legal basis", fields[1]), personal.equals("yes"),
                    text(type, "purpose", fields[3]), text(type, "doel", fields[4])));
        }
        return purposes;
    }

    private static String text(String type, String name, String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("purposes entry for " + type + ": the " + name + " is empty");
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("purposes entry for " + type + ": the " + name + " is longer than "
                    + MAX_TEXT + " characters");
        }
        return text;
    }
}
