package nl.regie.launcher.broker;

/** The embedded broker cannot start; the message says why in one sentence, for the console. */
public final class BrokerException extends Exception {

    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
