package nl.regie.notifiers.delivery;

import java.util.Objects;

import nl.regie.api.model.Location;

/**
 * A resident who asked to be warned: where they live and where to reach them (an e-mail address or a phone number).
 * Personal data: {@link #toString} shows the address masked, so a contact never reaches a log in clear by accident.
 *
 * @param home    where the resident lives; a notification reaches them when its audience contains it
 * @param address the e-mail address or phone number
 */
public record Contact(Location home, String address) {

    /** Checks both fields. */
    public Contact {
        Objects.requireNonNull(home, "contact home is required");
        Objects.requireNonNull(address, "contact address is required");
    }

    /** The address masked, for logs and records. */
    public String masked() {
        return Mask.address(address);
    }

    @Override
    public String toString() {
        return "Contact[" + masked() + "]";
    }
}
