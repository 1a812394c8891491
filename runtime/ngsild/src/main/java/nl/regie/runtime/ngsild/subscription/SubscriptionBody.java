package nl.regie.runtime.ngsild.subscription;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Format;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.subscription.Subscription.Endpoint;
import nl.regie.runtime.ngsild.subscription.Subscription.EntitySelector;
import nl.regie.runtime.ngsild.subscription.Subscription.GeoQ;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A subscription's JSON body (clause 5.2.12) read strictly: every member Regie acts on is checked, and the first
 * thing wrong is refused as {@code BadRequestData} naming the member, so that nothing half-understood is kept. Members
 * Regie does not act on ({@code csf}, {@code lang}, {@code scopeQ}, {@code temporalQ}, ...) are refused as
 * {@code OperationNotSupported} rather than ignored: a subscriber must not believe they filter. Plain Java.
 */
public final class SubscriptionBody {

    /** The most entity selectors, watched attributes or notified attributes of one subscription. */
    public static final int MAX_LIST = 100;
    /** The longest {@code q}, {@code idPattern} or text member. */
    public static final int MAX_TEXT = 2_000;
    /** The longest endpoint URI. */
    public static final int MAX_URI = 2_000;

    private static final Set<String> KNOWN = Set.of("id", "type", "@context", "subscriptionName", "description",
            "entities", "watchedAttributes", "q", "geoQ", "notification", "throttling", "timeInterval", "expiresAt",
            "isActive", "status", "createdAt", "modifiedAt");
    private static final Set<String> NOT_DONE = Set.of("csf", "lang", "scopeQ", "temporalQ", "notificationTrigger",
            "jsonldContext", "showChanges", "localOnly");
    private static final Set<String> NOTIFICATION = Set.of("attributes", "format", "endpoint", "sysAttrs",
            "status", "timesSent", "timesFailed", "lastNotification", "lastFailure", "lastSuccess",
            "droppedNotifications");

    private SubscriptionBody() {
    }

    /**
     * Reads a body.
     *
     * @param body    the JSON body
     * @param names   the request's context, for its names
     * @param owner   who makes the subscription
     * @param context the context value to keep (to answer and notify in the creator's terms)
     * @param origin  the origin the request came to
     * @param now     the time, for {@code expiresAt}
     * @throws NgsiLdException BadRequestData for what is wrong, OperationNotSupported for what Regie does not do
     */
    public static Subscription parse(JsonNode body, LdContext names, Subscriber owner, Object context, String origin,
            Instant now) {
        if (body == null || !body.isObject()) {
            throw bad("the body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String member = it.next();
            if (NOT_DONE.contains(member)) {
                throw new NgsiLdException(nl.regie.runtime.ngsild.problem.ProblemType.OPERATION_NOT_SUPPORTED,
                        "Regie does not do the subscription member '" + member + "'");
            }
            if (!KNOWN.contains(member)) {
                throw bad("unknown member '" + LdContextText.shorten(member) + "' in a subscription");
            }
        }
        String type = text(body, "type", true);
        if (!Subscription.TYPE.equals(type)) {
            throw bad("'type' must be \"Subscription\", was \"" + LdContextText.shorten(type) + "\"");
        }
        String id = text(body, "id", false);
        if (id == null) {
            id = "urn:ngsi-ld:Subscription:" + UUID.randomUUID();
        } else {
            uri("id", id);
        }
        List<EntitySelector> entities = entities(body.get("entities"), names);
        Set<String> watched = attributeNames(body.get("watchedAttributes"), "watchedAttributes", names);
        String q = text(body, "q", false);
        if (q != null && (q.isBlank() || q.length() > MAX_TEXT)) {
            throw bad("'q' must be a query of 1 to " + MAX_TEXT + " characters");
        }
        GeoQ geoQ = geoQ(body.get("geoQ"));
        JsonNode notification = body.get("notification");
        if (notification == null || !notification.isObject()) {
            throw bad("'notification' is required and must be an object with an 'endpoint'");
        }
        for (Iterator<String> it = notification.fieldNames(); it.hasNext();) {
            String member = it.next();
            if (!NOTIFICATION.contains(member)) {
                throw bad("unknown member 'notification." + LdContextText.shorten(member) + "'");
            }
        }
        Set<String> attributes = attributeNames(notification.get("attributes"), "notification.attributes", names);
        String formatName = text(notification, "format", false);
        Format format;
        try {
            format = Format.of(null, formatName);
        } catch (NgsiLdException e) {
            throw bad("'notification.format' must be normalized, concise or keyValues, was '"
                    + LdContextText.shorten(formatName) + "'");
        }
        Endpoint endpoint = endpoint(notification.get("endpoint"));
        int throttling = seconds(body, "throttling");
        int timeInterval = seconds(body, "timeInterval");
        if (timeInterval > 0 && !watched.isEmpty()) {
            throw bad("'timeInterval' and 'watchedAttributes' exclude each other");
        }
        if (timeInterval > 0 && throttling > 0) {
            throw bad("'timeInterval' and 'throttling' exclude each other");
        }
        Instant expiresAt = null;
        String expires = text(body, "expiresAt", false);
        if (expires != null) {
            try {
                expiresAt = Instant.parse(expires);
            } catch (DateTimeParseException e) {
                throw bad("'expiresAt' must be a date and time such as 2030-01-01T00:00:00Z, was '"
                        + LdContextText.shorten(expires) + "'");
            }
            if (!expiresAt.isAfter(now)) {
                throw bad("'expiresAt' " + expires + " is not in the future");
            }
        }
        boolean active = true;
        JsonNode isActive = body.get("isActive");
        if (isActive != null) {
            if (!isActive.isBoolean()) {
                throw bad("'isActive' must be true or false");
            }
            active = isActive.booleanValue();
        }
        return new Subscription(id, text(body, "subscriptionName", false), text(body, "description", false),
                entities, watched, q, geoQ, attributes, format, endpoint, throttling, timeInterval, expiresAt, active,
                owner, context, origin);
    }

    /**
     * The body of a subscription after a PATCH: the fragment's members replace the subscription's, and the members of
     * its {@code notification} replace those of the subscription's notification.
     */
    public static ObjectNode merge(ObjectNode current, JsonNode fragment) {
        if (fragment == null || !fragment.isObject() || fragment.isEmpty()) {
            throw bad("a PATCH body must be a JSON object with at least one member");
        }
        if (fragment.has("id") && !fragment.get("id").asText().equals(current.get("id").asText())) {
            throw bad("a PATCH may not change the subscription's 'id'");
        }
        ObjectNode merged = current.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = fragment.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> member = it.next();
            if (member.getKey().equals("notification") && member.getValue().isObject()
                    && merged.get("notification") instanceof ObjectNode notification) {
                member.getValue().fields().forEachRemaining(n -> notification.set(n.getKey(), n.getValue()));
            } else {
                merged.set(member.getKey(), member.getValue());
            }
        }
        return merged;
    }

    private static List<EntitySelector> entities(JsonNode node, LdContext names) {
        if (node == null) {
            throw bad("'entities' is required by Regie: each subscription names the entity types it watches, so"
                    + " that the subscriber's token is checked for each");
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_LIST) {
            throw bad("'entities' must be an array of 1 to " + MAX_LIST + " objects");
        }
        List<EntitySelector> result = new ArrayList<>();
        for (JsonNode e : node) {
            if (!e.isObject()) {
                throw bad("each element of 'entities' must be an object with a 'type'");
            }
            String type = text(e, "type", false);
            if (type == null) {
                throw bad("each element of 'entities' must have a 'type'");
            }
            String id = text(e, "id", false);
            String idPattern = text(e, "idPattern", false);
            if (id != null) {
                uri("entities[].id", id);
            }
            Pattern pattern = null;
            if (idPattern != null) {
                if (idPattern.length() > MAX_TEXT) {
                    throw bad("'idPattern' is longer than " + MAX_TEXT + " characters");
                }
                try {
                    pattern = Pattern.compile(idPattern);
                } catch (PatternSyntaxException ex) {
                    throw bad("'idPattern' is not a regular expression: " + ex.getDescription());
                }
            }
            result.add(new EntitySelector(names.regieName(type), id, idPattern, pattern));
        }
        return result;
    }

    private static Set<String> attributeNames(JsonNode node, String member, LdContext names) {
        if (node == null) {
            return Set.of();
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_LIST) {
            throw bad("'" + member + "' must be an array of 1 to " + MAX_LIST + " attribute names");
        }
        Set<String> result = new LinkedHashSet<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw bad("'" + member + "' must hold attribute names (strings)");
            }
            result.add(names.regieName(n.asText()));
        }
        return result;
    }

    private static GeoQ geoQ(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw bad("'geoQ' must be an object with georel, geometry and coordinates");
        }
        String georel = text(node, "georel", true);
        String geometry = text(node, "geometry", true);
        JsonNode coordinates = node.get("coordinates");
        if (coordinates == null || !(coordinates.isArray() || coordinates.isTextual())) {
            throw bad("'geoQ.coordinates' is required: a JSON array of coordinates");
        }
        String text = coordinates.isTextual() ? coordinates.asText() : coordinates.toString();
        if (text.length() > MAX_TEXT * 10) {
            throw bad("'geoQ.coordinates' is too long");
        }
        return new GeoQ(georel, geometry, text, text(node, "geoproperty", false));
    }

    private static Endpoint endpoint(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw bad("'notification.endpoint' is required and must be an object with a 'uri'");
        }
        String uri = text(node, "uri", true);
        if (uri.length() > MAX_URI) {
            throw bad("'notification.endpoint.uri' is longer than " + MAX_URI + " characters");
        }
        URI parsed = uri("notification.endpoint.uri", uri);
        String scheme = parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!Set.of("http", "https", "mqtt", "mqtts").contains(scheme)) {
            throw bad("'notification.endpoint.uri' must be http, https, mqtt or mqtts, was '" + scheme + "'");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw bad("'notification.endpoint.uri' must name a host");
        }
        if (parsed.getUserInfo() != null) {
            throw bad("'notification.endpoint.uri' may not hold credentials; Regie keeps no endpoint secrets");
        }
        if (scheme.startsWith("mqtt") && (parsed.getRawFragment() != null || parsed.getRawQuery() != null
                || parsed.getPath() == null || parsed.getPath().length() < 2
                || parsed.getPath().contains("+") || parsed.getPath().contains("#"))) {
            throw bad("an MQTT endpoint must name a topic without wildcards: mqtt://host[:port]/topic");
        }
        String accept = text(node, "accept", false);
        if (accept == null) {
            accept = "application/json";
        }
        if (!accept.equals("application/json") && !accept.equals("application/ld+json")) {
            throw bad("'notification.endpoint.accept' must be application/json or application/ld+json, was '"
                    + LdContextText.shorten(accept) + "'");
        }
        Map<String, String> receiverInfo = keyValues(node.get("receiverInfo"), "receiverInfo");
        Map<String, String> notifierInfo = keyValues(node.get("notifierInfo"), "notifierInfo");
        for (Map<String, String> info : List.of(receiverInfo, notifierInfo)) {
            String qos = info.get("MQTT-QoS");
            if (qos != null && !Set.of("0", "1", "2").contains(qos)) {
                throw bad("MQTT-QoS must be 0, 1 or 2, was '" + LdContextText.shorten(qos) + "'");
            }
        }
        for (String header : receiverInfo.keySet()) {
            if (!scheme.startsWith("mqtt") && !header.matches("[A-Za-z0-9-]{1,64}")
                    || Set.of("content-type", "content-length", "host", "link").contains(
                            header.toLowerCase(java.util.Locale.ROOT))) {
                throw bad("'receiverInfo' key '" + LdContextText.shorten(header) + "' cannot be sent as a header");
            }
        }
        return new Endpoint(uri, accept, receiverInfo, notifierInfo);
    }

    private static Map<String, String> keyValues(JsonNode node, String member) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isArray() || node.size() > 20) {
            throw bad("'" + member + "' must be an array of at most 20 {\"key\", \"value\"} objects");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (JsonNode kv : node) {
            if (!kv.isObject() || !kv.path("key").isTextual() || !kv.path("value").isTextual()) {
                throw bad("each element of '" + member + "' must be {\"key\": \"...\", \"value\": \"...\"}");
            }
            String value = kv.get("value").asText();
            if (value.length() > 500 || value.contains("\r") || value.contains("\n")) {
                throw bad("'" + member + "' value of '" + LdContextText.shorten(kv.get("key").asText())
                        + "' must be one line of at most 500 characters");
            }
            result.put(kv.get("key").asText(), value);
        }
        return result;
    }

    private static int seconds(JsonNode body, String member) {
        JsonNode node = body.get(member);
        if (node == null) {
            return 0;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 1
                || node.intValue() > 31_536_000) {
            throw bad("'" + member + "' must be a whole number of seconds from 1 to 31536000");
        }
        return node.intValue();
    }

    private static URI uri(String member, String text) {
        try {
            URI uri = new URI(text);
            if (!uri.isAbsolute()) {
                throw bad("'" + member + "' must be an absolute URI, was '" + LdContextText.shorten(text) + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw bad("'" + member + "' must be a URI, was '" + LdContextText.shorten(text) + "'");
        }
    }

    private static String text(JsonNode node, String member, boolean required) {
        JsonNode value = node.get(member);
        if (value == null || value.isNull()) {
            if (required) {
                throw bad("'" + member + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw bad("'" + member + "' must be a string");
        }
        if (value.asText().length() > MAX_TEXT) {
            throw bad("'" + member + "' is longer than " + MAX_TEXT + " characters");
        }
        return value.asText();
    }

    private static NgsiLdException bad(String detail) {
        return NgsiLdException.badData(detail);
    }

    /** Shortens what a caller wrote for a message. */
    static final class LdContextText {
        private LdContextText() {
        }

        static String shorten(String text) {
            if (text == null) {
                return "null";
            }
            return text.length() > 120 ? text.substring(0, 120) + "..." : text;
        }
    }
}
