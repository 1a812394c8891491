package nl.regie.runtime.federation;

/** A message from the wire that is not a shared reading of wire version 1; the message says what is wrong. */
final class WireException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String publisher;

    WireException(String publisher, String message) {
        super(message);
        this.publisher = publisher;
    }

    /** The site in whose namespace it came, or "" when the topic did not say. */
    String publisher() {
        return publisher;
    }
}
