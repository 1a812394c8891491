package nl.regie.api.model;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The identity of an entity in the city, an NGSI-LD URN {@code urn:ngsi-ld:{Type}:{localId}}.
 *
 * <p>The type is a FIWARE Smart Data Models type name such as {@code WasteContainer} or {@code Streetlight}.
 * The local id may contain letters, digits and {@code . _ - :}; it never contains the topic separators
 * {@code / + #}, so every entity maps to exactly one bus topic prefix {@code {Type}/{localId}}.
 *
 * @param type    the entity type, for example {@code WasteContainer}
 * @param localId the id of the entity within its type, for example {@code bin-0042}
 */
@ProviderType
public record EntityId(String type, String localId) implements Comparable<EntityId> {

    /** The prefix every entity URN starts with. */
    public static final String URN_PREFIX = "urn:ngsi-ld:";


    /**
     * Creates an entity id, checking both parts.
     *
     * @throws IllegalArgumentException naming the part that is malformed
     */
    public EntityId {
        Objects.requireNonNull(type, "entity type is required");
        Objects.requireNonNull(localId, "entity local id is required");
        if (!isType(type)) {
            throw new IllegalArgumentException("entity type '" + type
                    + "' must start with an upper-case letter and contain only letters and digits (at most 64)");
        }
        if (!isLocalId(localId)) {
            throw new IllegalArgumentException("entity local id '" + localId
                    + "' must be 1 to 128 characters of letters, digits, '.', '_', '-' or ':'");
        }
    }

    /**
     * {@code [A-Z][A-Za-z0-9]{0,63}}, checked by hand: a restart makes an id for every entity it loads, and a regular
     * expression there cost a measurable part of it in a cold JVM.
     */
    private static boolean isType(String type) {
        int length = type.length();
        if (length == 0 || length > 64) {
            return false;
        }
        char first = type.charAt(0);
        if (first < 'A' || first > 'Z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = type.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9._:-]{1,128}}, checked by hand as {@link #isType} is. */
    private static boolean isLocalId(String localId) {
        int length = localId.length();
        if (length == 0 || length > 128) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = localId.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Creates an entity id from its type and local id.
     *
     * @throws IllegalArgumentException if either part is malformed
     */
    public static EntityId of(String type, String localId) {
        return new EntityId(type, localId);
    }

    /**
     * Parses an NGSI-LD URN such as {@code urn:ngsi-ld:Streetlight:lamp-7}.
     *
     * @throws IllegalArgumentException with the reason the text is not a valid entity URN
     */
    public static EntityId parse(String urn) {
        Objects.requireNonNull(urn, "entity URN is required");
        if (!urn.startsWith(URN_PREFIX)) {
            throw new IllegalArgumentException("entity id '" + urn + "' must start with '" + URN_PREFIX + "'");
        }
        String rest = urn.substring(URN_PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException("entity id '" + urn + "' must have the form urn:ngsi-ld:{Type}:{localId}");
        }
        return new EntityId(rest.substring(0, colon), rest.substring(colon + 1));
    }

    /** The topic prefix of this entity on the bus: {@code {Type}/{localId}}. */
    public String topicPrefix() {
        return type + '/' + localId;
    }

    /** The NGSI-LD URN of this entity. */
    @Override
    public String toString() {
        return URN_PREFIX + type + ':' + localId;
    }

    @Override
    public int compareTo(EntityId other) {
        int byType = type.compareTo(other.type);
        return byType != 0 ? byType : localId.compareTo(other.localId);
    }
}
