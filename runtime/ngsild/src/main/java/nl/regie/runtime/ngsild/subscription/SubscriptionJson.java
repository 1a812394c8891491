package nl.regie.runtime.ngsild.subscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Format;
import nl.regie.runtime.ngsild.subscription.Subscription.EntitySelector;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A subscription as JSON: the answer of {@code GET /ngsi-ld/v1/subscriptions/{id}} (clause 5.2.12, names compacted
 * against the caller's context, with its status and the notification's counters), and the form it is kept in on disk
 * (Regie's names, with its subscriber, context and origin). Plain Java.
 */
public final class SubscriptionJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SubscriptionJson() {
    }

    /** The answer's body, without {@code @context}. */
    public static Map<String, Object> answer(Subscription s, LdContext names, DeliveryStatus.Snapshot delivery,
            Instant now) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.id());
        json.put("type", Subscription.TYPE);
        if (s.name() != null) {
            json.put("subscriptionName", s.name());
        }
        if (s.description() != null) {
            json.put("description", s.description());
        }
        List<Object> entities = new ArrayList<>();
        for (EntitySelector e : s.entities()) {
            Map<String, Object> selector = new LinkedHashMap<>();
            if (e.id() != null) {
                selector.put("id", e.id());
            }
            if (e.idPattern() != null) {
                selector.put("idPattern", e.idPattern());
            }
            selector.put("type", names.term(e.type()));
            entities.add(selector);
        }
        json.put("entities", entities);
        if (!s.watched().isEmpty()) {
            json.put("watchedAttributes", s.watched().stream().sorted().map(names::term).toList());
        }
        if (s.q() != null) {
            json.put("q", s.q());
        }
        if (s.geoQ() != null) {
            Map<String, Object> geo = new LinkedHashMap<>();
            geo.put("georel", s.geoQ().georel());
            geo.put("geometry", s.geoQ().geometry());
            geo.put("coordinates", coordinates(s.geoQ().coordinates()));
            if (s.geoQ().geoproperty() != null) {
                geo.put("geoproperty", s.geoQ().geoproperty());
            }
            json.put("geoQ", geo);
        }
        Map<String, Object> notification = new LinkedHashMap<>();
        if (!s.attributes().isEmpty()) {
            notification.put("attributes", s.attributes().stream().sorted().map(names::term).toList());
        }
        notification.put("format", switch (s.format()) {
            case NORMALIZED -> "normalized";
            case CONCISE -> "concise";
            case KEY_VALUES -> "keyValues";
        });
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("uri", s.endpoint().uri());
        endpoint.put("accept", s.endpoint().accept());
        if (!s.endpoint().receiverInfo().isEmpty()) {
            endpoint.put("receiverInfo", keyValues(s.endpoint().receiverInfo()));
        }
        if (!s.endpoint().notifierInfo().isEmpty()) {
            endpoint.put("notifierInfo", keyValues(s.endpoint().notifierInfo()));
        }
        notification.put("endpoint", endpoint);
        if (delivery != null) {
            notification.put("status", delivery.status());
            notification.put("timesSent", delivery.timesSent());
            notification.put("timesFailed", delivery.timesFailed());
            putTime(notification, "lastNotification", delivery.lastNotification());
            putTime(notification, "lastFailure", delivery.lastFailure());
            putTime(notification, "lastSuccess", delivery.lastSuccess());
            if (delivery.lastError() != null) {
                // Not a member of the standard's NotificationParams: Regie's, so a subscriber can see why.
                notification.put("regie:lastError", delivery.lastError());
            }
            notification.put("droppedNotifications", delivery.dropped());
        }
        json.put("notification", notification);
        if (s.throttling() > 0) {
            json.put("throttling", s.throttling());
        }
        if (s.timeInterval() > 0) {
            json.put("timeInterval", s.timeInterval());
        }
        putTime(json, "expiresAt", s.expiresAt());
        json.put("isActive", s.active());
        if (now != null) {
            json.put("status", s.status(now));
        }
        return json;
    }

    /** The form kept on disk. */
    public static String stored(Subscription s, Contexts contexts) {
        ObjectNode json = MAPPER.valueToTree(answer(s, own(contexts), null, null));
        ObjectNode owner = json.putObject("regie:subscriber");
        owner.put("party", s.owner().party());
        owner.put("token", s.owner().token());
        owner.put("operator", s.owner().operator());
        owner.put("grant", s.owner().grant());
        json.set("regie:context", s.context() instanceof JsonNode node ? node : TextNode.valueOf(
                String.valueOf(s.context())));
        json.put("regie:origin", s.origin());
        return json.toString();
    }

    /** A subscription read back from its stored form. */
    public static Subscription fromStored(String text, Contexts contexts) {
        try {
            ObjectNode json = (ObjectNode) MAPPER.readTree(text);
            JsonNode owner = json.remove("regie:subscriber");
            JsonNode context = json.remove("regie:context");
            String origin = json.remove("regie:origin").asText();
            Subscriber subscriber = new Subscriber(owner.get("party").asText(), owner.get("token").asText(),
                    owner.get("operator").asBoolean(), owner.path("grant").asText(""));
            return SubscriptionBody.parse(json, own(contexts), subscriber, context, origin, Instant.MIN);
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("a stored subscription does not read back: " + e.getMessage(), e);
        }
    }

    /** Regie's own names both ways: what the disk form is written and read in. */
    static LdContext own(Contexts contexts) {
        return new LdContext(contexts.core().with(contexts.regie()), Contexts.CORE, Contexts.CORE, contexts.regie());
    }

    /** The format's name in a body. */
    static String formatName(Format format) {
        return switch (format) {
            case NORMALIZED -> "normalized";
            case CONCISE -> "concise";
            case KEY_VALUES -> "keyValues";
        };
    }

    private static Object coordinates(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return text;
        }
    }

    private static List<Map<String, String>> keyValues(Map<String, String> map) {
        List<Map<String, String>> list = new ArrayList<>();
        map.forEach((k, v) -> list.add(Map.of("key", k, "value", v)));
        return list;
    }

    private static void putTime(Map<String, Object> json, String name, Instant at) {
        if (at != null) {
            json.put(name, at.toString());
        }
    }
}
