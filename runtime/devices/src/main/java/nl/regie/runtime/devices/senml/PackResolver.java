package nl.regie.runtime.devices.senml;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import nl.regie.api.model.Value;

/**
 * Resolves the records of one pack in order (RFC 8428 §4.6): each base field applies to the record it is in and
 * to every later record until another record overrides it. One instance serves one pack, then is dropped.
 */
final class PackResolver {

    /** The version RFC 8428 defines; also the default when a pack does not say. */
    static final BigInteger SUPPORTED_VERSION = BigInteger.TEN;

    private static final Pattern BASE64URL_ALPHABET = Pattern.compile("[A-Za-z0-9_-]*");

    private final Instant receivedAt;
    private final SenmlUnits units;
    private BigInteger packVersion;
    private String baseName = "";
    private String baseUnit = "";
    private double baseTime;
    private double baseValue;
    private double baseSum;

    /**
     * @param receivedAt "now" for the records of this pack: relative times count from it
     * @param units      the units a record may carry
     */
    PackResolver(Instant receivedAt, SenmlUnits units) {
        this.receivedAt = receivedAt;
        this.units = units;
    }

    /**
     * Resolves the next record of the pack, after taking over its base fields.
     *
     * @throws SenmlException naming the record and the rule it breaks
     */
    SenmlRecord resolve(RawRecord record) throws SenmlException {
        checkVersion(record);
        takeBaseFields(record);
        String unit = baseUnit;
        if (record.has(Field.UNIT)) {
            unit = units.check(record.text(Field.UNIT), Field.UNIT, record.index());
        }
        return new SenmlRecord(name(record), value(record), unit,
                SenmlTime.resolve(baseTime, record.number(Field.TIME), receivedAt, record.index()));
    }

    private void checkVersion(RawRecord record) throws SenmlException {
        BigInteger version = record.version();
        if (version != null && version.compareTo(SUPPORTED_VERSION) > 0) {
            throw SenmlException.inRecord(record.index(),
                    "bver " + version + " is newer than the supported " + SUPPORTED_VERSION);
        }
        BigInteger effective = version != null ? version : SUPPORTED_VERSION;
        if (packVersion == null) {
            packVersion = effective;
        } else if (version != null && !version.equals(packVersion)) {
            // RFC 8428 §4.4: all records of a pack have the same version.
            throw SenmlException.inRecord(record.index(), "bver " + version + " differs from the pack's version "
                    + packVersion + "; all records of a pack have the same version");
        }
    }

    private void takeBaseFields(RawRecord record) throws SenmlException {
        if (record.has(Field.BASE_NAME)) {
            baseName = record.text(Field.BASE_NAME);
        }
        if (record.has(Field.BASE_UNIT)) {
            baseUnit = units.check(record.text(Field.BASE_UNIT), Field.BASE_UNIT, record.index());
        }
        if (record.has(Field.BASE_TIME)) {
            baseTime = record.number(Field.BASE_TIME);
        }
        if (record.has(Field.BASE_VALUE)) {
            baseValue = record.number(Field.BASE_VALUE);
        }
        if (record.has(Field.BASE_SUM)) {
            baseSum = record.number(Field.BASE_SUM);
        }
    }

    private String name(RawRecord record) throws SenmlException {
        String name = record.has(Field.NAME) ? baseName + record.text(Field.NAME) : baseName;
        if (name.isEmpty()) {
            throw SenmlException.inRecord(record.index(), "the resolved name (bn + n) is empty");
        }
        if (!validName(name)) {
            throw SenmlException.inRecord(record.index(), "name " + SenmlException.quote(name)
                    + " must start with a letter or digit and contain only letters, digits and ':./_-'");
        }
        return name;
    }

    /**
     * RFC 8428 §4.5.1: {@code [A-Za-z0-9][A-Za-z0-9:./_-]*}, checked character by character (every record of every
     * pack is checked; a regular expression cost a tenth of the bridge's time per pack).
     */
    static boolean validName(String name) {
        if (name.isEmpty() || !letterOrDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!letterOrDigit(c) && c != ':' && c != '.' && c != '/' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private Value value(RawRecord record) throws SenmlException {
        List<Field> values = record.valueFields();
        if (values.size() > 1) {
            throw SenmlException.inRecord(record.index(), values.get(0).quoted() + " and " + values.get(1).quoted()
                    + " both given; a record carries exactly one value");
        }
        // A sum is resolved (and so checked) even when a value field takes precedence for the reading.
        Double sum = record.has(Field.SUM)
                ? add(record.number(Field.SUM), baseSum, "'s' + 'bs'", record.index())
                : null;
        if (values.isEmpty()) {
            if (sum == null) {
                throw SenmlException.inRecord(record.index(),
                        "no value; a record needs one of 'v', 'vs', 'vb', 'vd' or a sum 's'");
            }
            return Value.of(sum);
        }
        return switch (values.get(0)) {
            case VALUE -> Value.of(add(record.number(Field.VALUE), baseValue, "'v' + 'bv'", record.index()));
            case STRING_VALUE -> Value.of(record.text(Field.STRING_VALUE));
            case BOOLEAN_VALUE -> Value.of(record.bool(Field.BOOLEAN_VALUE));
            case DATA_VALUE -> Value.of(checkBase64Url(record.text(Field.DATA_VALUE), record.index()));
            default -> throw new IllegalStateException("not a value field: " + values.get(0));
        };
    }

    private static double add(double number, double base, String what, int index) throws SenmlException {
        double sum = number + base;
        if (!Double.isFinite(sum)) {
            throw SenmlException.inRecord(index, what + " overflows a double");
        }
        return sum;
    }

    /** RFC 8428 §4.2 / RFC 4648 §5: the URL-safe alphabet, no padding, and the canonical encoding. */
    private static String checkBase64Url(String data, int index) throws SenmlException {
        if (data.indexOf('=') >= 0) {
            throw SenmlException.inRecord(index, "'vd' has padding '='; SenML data values are base64url without it");
        }
        boolean valid = BASE64URL_ALPHABET.matcher(data).matches();
        if (valid) {
            try {
                byte[] octets = Base64.getUrlDecoder().decode(data);
                // The decoder ignores stray low bits in the last character; re-encoding catches them.
                valid = Base64.getUrlEncoder().withoutPadding().encodeToString(octets).equals(data);
            } catch (IllegalArgumentException e) {
                valid = false;
            }
        }
        if (!valid) {
            throw SenmlException.inRecord(index,
                    "'vd' " + SenmlException.quote(data) + " is not base64url (RFC 4648 §5) without padding");
        }
        return data;
    }
}
