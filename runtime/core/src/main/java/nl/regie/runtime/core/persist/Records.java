package nl.regie.runtime.core.persist;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Value;
import nl.regie.runtime.statefiles.Decoder;
import nl.regie.runtime.statefiles.Encoder;

/**
 * How the api's values are written in the core's state files: an entity id as its type and local id, a value as a tag
 * ({@code N}, {@code B}, {@code T}) and its content, a location as a presence byte and two doubles. Reading checks
 * what the api's constructors check, so a record with an impossible value is a damaged record.
 */
public final class Records {

    private Records() {
    }

    public static void writeEntityId(Encoder out, EntityId id) {
        out.writeString(id.type()).writeString(id.localId());
    }

    public static EntityId readEntityId(Decoder in) {
        return EntityId.of(in.readString(), in.readString());
    }

    public static void writeNullableEntityId(Encoder out, EntityId id) {
        out.writeBoolean(id != null);
        if (id != null) {
            writeEntityId(out, id);
        }
    }

    public static EntityId readNullableEntityId(Decoder in) {
        return in.readBoolean() ? readEntityId(in) : null;
    }

    public static void writeValue(Encoder out, Value value) {
        if (value instanceof Value.Number n) {
            out.writeByte('N').writeDouble(n.value());
        } else if (value instanceof Value.Bool b) {
            out.writeByte('B').writeBoolean(b.value());
        } else {
            out.writeByte('T').writeString(((Value.Text) value).value());
        }
    }

    public static Value readValue(Decoder in) {
        int tag = in.readByte();
        return switch (tag) {
            case 'N' -> Value.of(in.readDouble());
            case 'B' -> Value.of(in.readBoolean());
            case 'T' -> Value.of(in.readString());
            default -> throw new IllegalArgumentException("unknown value tag " + tag);
        };
    }

    public static void writeNullableLocation(Encoder out, Location location) {
        out.writeBoolean(location != null);
        if (location != null) {
            out.writeDouble(location.longitude()).writeDouble(location.latitude());
        }
    }

    public static Location readNullableLocation(Decoder in) {
        return in.readBoolean() ? new Location(in.readDouble(), in.readDouble()) : null;
    }
}
