package nl.regie.runtime.devices.senml;

/**
 * A SenML pack was refused. The message is meant for operators: it names the offending record (0-based index)
 * and field, for example {@code record 2: 'v' and 'vs' both given; a record carries exactly one value}.
 */
public final class SenmlException extends Exception {

    private static final int MAX_QUOTED_LENGTH = 64;

    /**
     * A refusal of the pack as a whole.
     *
     * @param message the reason
     */
    public SenmlException(String message) {
        super(message);
    }

    /**
     * A refusal of the pack as a whole, caused by a lower-level failure.
     *
     * @param message the reason
     * @param cause   what went wrong underneath
     */
    public SenmlException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A refusal because of one record. */
    static SenmlException inRecord(int index, String reason) {
        return new SenmlException("record " + index + ": " + reason);
    }

    /**
     * Device-supplied text in single quotes, cut short and with control characters escaped, so that a message
     * stays one readable line however hostile the payload.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(Math.min(text.length(), MAX_QUOTED_LENGTH) + 8).append('\'');
        int end = Math.min(text.length(), MAX_QUOTED_LENGTH);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        if (end < text.length()) {
            quoted.append("...");
        }
        return quoted.append('\'').toString();
    }
}
