package nl.regie.runtime.spi.lifecycle;

/** A lifecycle operation refused before it changed anything; the message says why, naming the plugin. */
public final class LifecycleException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why an operation was refused. */
    public enum Reason {
        /** The file is not an OSGi bundle (no Bundle-SymbolicName, not a jar, unreadable). */
        NOT_A_BUNDLE,
        /** No plugin with that symbolic name is installed. */
        UNKNOWN_PLUGIN,
        /** The jar is a bundle of another symbolic name than the plugin to update. */
        WRONG_PLUGIN,
        /** The jar has the version that is installed already. */
        SAME_VERSION,
        /** A plugin with that symbolic name is installed already (update it instead). */
        ALREADY_INSTALLED,
        /** The bundle cannot be resolved against what the framework offers (the message names the requirement). */
        NOT_RESOLVABLE,
        /** There is no earlier version to go back to. */
        NO_PREVIOUS_VERSION,
        /** Another operation on the same plugin is under way. */
        BUSY,
        /** The jar carries no signature, and the runtime does not run with unsigned plugins allowed. */
        UNSIGNED,
        /** The jar's signature does not hold: partly signed, changed after signing, or signed by several keys. */
        BAD_SIGNATURE,
        /** The jar is signed by a key the operator's policy does not list. */
        UNTRUSTED_KEY
    }

    private final Reason reason;

    public LifecycleException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
