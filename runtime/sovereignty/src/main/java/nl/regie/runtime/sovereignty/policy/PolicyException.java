package nl.regie.runtime.sovereignty.policy;

/** A policy configuration that cannot be applied; the message names the bad element and what is wrong with it. */
public final class PolicyException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A refusal with a message naming the bad element. */
    public PolicyException(String message) {
        super(message);
    }
}
