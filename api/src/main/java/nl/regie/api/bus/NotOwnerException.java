package nl.regie.api.bus;

/**
 * A plugin tried to delete what another source published: an entity or an attribute whose value in the city state
 * came from a device, another plugin or the runtime. Nothing was deleted. The message names the entity and the
 * attribute, not who published it.
 */
public class NotOwnerException extends SecurityException {

    private static final long serialVersionUID = 1L;

    /** @param message what was refused and why */
    public NotOwnerException(String message) {
        super(message);
    }
}
