package nl.regie.api.actuation;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A request to change an entity, such as {@code dim} a {@code Streetlight} to 0.3. Immutable.
 *
 * @param id         unique id of the command, 1 to 64 letters, digits, '-' or '_'
 * @param target     the entity to change
 * @param action     what to do, for example {@code dim} or {@code switch}
 * @param parameters named parameters of the action, for example {@code level -> 0.3}
 * @param deadline   when the command expires if it has not ended
 */
@ProviderType
public record Command(String id, EntityId target, String action, Map<String, Value> parameters, Instant deadline) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern ACTION = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");

    /**
     * Creates a command, checking every field.
     *
     * @throws NullPointerException     naming the missing field
     * @throws IllegalArgumentException naming the malformed field
     */
    public Command {
        Objects.requireNonNull(id, "command id is required");
        Objects.requireNonNull(target, "command target is required");
        Objects.requireNonNull(action, "command action is required");
        Objects.requireNonNull(parameters, "command parameters are required (use an empty map)");
        Objects.requireNonNull(deadline, "command deadline is required");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("command id '" + id + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("command action '" + action
                    + "' must start with a lower-case letter and contain only letters, digits and '_'");
        }
        parameters = Map.copyOf(parameters);
    }

    /** A command with a fresh random id. */
    public static Command of(EntityId target, String action, Map<String, Value> parameters, Instant deadline) {
        return new Command(UUID.randomUUID().toString(), target, action, parameters, deadline);
    }
}
