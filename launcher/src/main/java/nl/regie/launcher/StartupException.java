package nl.regie.launcher;

/** Regie cannot start; the message says why in one sentence, for the console. */
final class StartupException extends Exception {

    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
