package nl.regie.runtime.ngsild.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import nl.regie.runtime.ngsild.model.Format;

/**
 * One NGSI-LD subscription (ETSI GS CIM 009, clause 5.2.12) as Regie keeps it: names are Regie's (resolved against
 * the creator's context when it was made), and the subscriber is the party and token that made it, whose view of the
 * city every notification goes through.
 *
 * @param id          the subscription's URI
 * @param name        {@code subscriptionName}, or null
 * @param description or null
 * @param entities    what entities it watches; never empty (Regie asks for an entity type, so it knows which
 *                    types the subscriber's token may read)
 * @param watched     {@code watchedAttributes} (Regie names); empty: every attribute
 * @param q           the {@code q} query as written, or null
 * @param geoQ        the {@code geoQ} as written, or null
 * @param attributes  {@code notification.attributes} (Regie names); empty: every attribute
 * @param format      {@code notification.format}
 * @param endpoint    where notifications go
 * @param throttling  the least time between two notifications, in seconds; 0: none
 * @param timeInterval seconds between periodic notifications; 0: notify on change
 * @param expiresAt   when it ends, or null
 * @param active      {@code isActive}
 * @param owner       who made it
 * @param context     the creator's {@code @context} (a URL, an object or an array), to answer and notify in its terms
 * @param origin      the origin ({@code scheme://host[:port]}) it was made at, to recognise Regie's own context URL
 */
public record Subscription(String id, String name, String description, List<EntitySelector> entities,
        Set<String> watched, String q, GeoQ geoQ, Set<String> attributes, Format format, Endpoint endpoint,
        int throttling, int timeInterval, Instant expiresAt, boolean active, Subscriber owner, Object context,
        String origin) {

    /** The subscription's {@code type}. */
    public static final String TYPE = "Subscription";

    /** Copies the collections. */
    public Subscription {
        entities = List.copyOf(entities);
        watched = Set.copyOf(watched);
        attributes = Set.copyOf(attributes);
    }

    /** Whether it has expired at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The {@code status}: {@code active}, {@code paused} or {@code expired}. */
    public String status(Instant now) {
        return expired(now) ? "expired" : active ? "active" : "paused";
    }

    /** The same subscription with another {@code isActive}. */
    public Subscription withActive(boolean isActive) {
        return new Subscription(id, name, description, entities, watched, q, geoQ, attributes, format, endpoint,
                throttling, timeInterval, expiresAt, isActive, owner, context, origin);
    }

    /**
     * One element of {@code entities}: a type, with an id or an id pattern or neither.
     *
     * @param type      Regie's entity type
     * @param id        the entity's URI, or null
     * @param idPattern the pattern as written, or null
     * @param pattern   the compiled pattern, or null
     */
    public record EntitySelector(String type, String id, String idPattern, Pattern pattern) {
    }

    /**
     * A {@code geoQ}, as written (the caller's coordinates kept as JSON text).
     *
     * @param georel      e.g. {@code near;maxDistance==500} or {@code within}
     * @param geometry    {@code Point}, {@code Polygon}, ...
     * @param coordinates the coordinates as JSON text
     * @param geoproperty the GeoProperty, or null for {@code location}
     */
    public record GeoQ(String georel, String geometry, String coordinates, String geoproperty) {
    }

    /**
     * {@code notification.endpoint}.
     *
     * @param uri          {@code http(s)://...} or {@code mqtt(s)://host[:port]/topic}
     * @param accept       {@code application/json} or {@code application/ld+json}
     * @param receiverInfo key-value pairs (for HTTP: extra headers; for MQTT: {@code MQTT-QoS})
     * @param notifierInfo key-value pairs ({@code MQTT-QoS}, {@code MQTT-Version})
     */
    public record Endpoint(String uri, String accept, Map<String, String> receiverInfo,
            Map<String, String> notifierInfo) {

        /** Copies the maps. */
        public Endpoint {
            receiverInfo = Map.copyOf(receiverInfo);
            notifierInfo = Map.copyOf(notifierInfo);
        }

        /** Whether this is an MQTT endpoint. */
        public boolean mqtt() {
            return uri.startsWith("mqtt://") || uri.startsWith("mqtts://");
        }

        /** The MQTT QoS asked for: {@code MQTT-QoS} of the notifier info, else of the receiver info, else 0. */
        public int qos() {
            String qos = notifierInfo.getOrDefault("MQTT-QoS", receiverInfo.getOrDefault("MQTT-QoS", "0"));
            return Integer.parseInt(qos);
        }
    }

    /**
     * Who made a subscription.
     *
     * @param party    the token's party; empty for the operator
     * @param token    the token's name
     * @param operator whether it is the operator, who sees everything
     * @param grant    the fingerprint of the token as configured when it made the subscription
     *                 ({@link nl.regie.runtime.spi.access.HttpCaller#grant()}); empty for the operator
     */
    public record Subscriber(String party, String token, boolean operator, String grant) {

        /** A subscriber of no configured token's grant (the operator; a subscription kept before grants were). */
        public Subscriber(String party, String token, boolean operator) {
            this(party, token, operator, "");
        }
    }
}
