package nl.regie.runtime.ngsild.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.subscription.Deliveries.Notice;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.history.Point;
import nl.regie.runtime.spi.history.Series;
import nl.regie.runtime.spi.history.TemporalRepresentation;
import nl.regie.runtime.testing.RecordingAuditLog;

import org.junit.jupiter.api.Test;

import com.apicatalog.jsonld.JsonLd;
import com.apicatalog.jsonld.JsonLdError;
import com.apicatalog.jsonld.JsonLdErrorCode;
import com.apicatalog.jsonld.document.JsonDocument;
import com.apicatalog.jsonld.loader.DocumentLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

/**
 * The referee the ETSI test suite cannot be here: an independent JSON-LD 1.1 processor (Titanium) expands what Regie
 * sends (a notification, a subscription, a temporal entity) against the contexts Regie ships, offline, and the
 * expanded IRIs must be the standard's: {@code ngsi-ld:Notification}, {@code ngsi-ld:subscriptionId} as an IRI,
 * {@code ngsi-ld:notifiedAt} as a DateTime, each attribute a {@code ngsi-ld:Property} with {@code ngsi-ld:hasValue},
 * the Smart Data Models attributes under their own IRIs. A misnamed member would expand to the default vocabulary or
 * be dropped, and fail here.
 */
class NotificationRefereeTest {

    private static final String NGSI = "https://uri.etsi.org/ngsi-ld/";
    private static final String ORIGIN = "http://localhost:8080";
    private static final String FILLING = "https://smartdatamodels.org/dataModel.WasteManagement/fillingLevel";
    private final ObjectMapper mapper = new ObjectMapper();
    private final Contexts contexts = Contexts.shipped();

    /** Serves the shipped contexts and nothing else: the processor never reaches the network. */
    private static final DocumentLoader OFFLINE = (url, options) -> {
        String resource = url.toString().equals(Contexts.CORE) ? "ngsi-ld-core-context-v1.7.jsonld"
                : url.toString().equals(ORIGIN + Contexts.REGIE_PATH) ? "regie-context.jsonld" : null;
        if (resource == null) {
            throw new JsonLdError(JsonLdErrorCode.LOADING_DOCUMENT_FAILED, "not shipped: " + url);
        }
        try (InputStream in = Contexts.class.getResourceAsStream(resource)) {
            return JsonDocument.of(in);
        } catch (java.io.IOException e) {
            throw new JsonLdError(JsonLdErrorCode.LOADING_DOCUMENT_FAILED, e.getMessage());
        }
    };

    private JsonObject expand(String json) throws JsonLdError {
        JsonArray expanded = JsonLd.expand(JsonDocument.of(new StringReader(json))).loader(OFFLINE).get();
        assertEquals(1, expanded.size(), expanded.toString());
        return expanded.getJsonObject(0);
    }

    private Notice notification(String accept) throws Exception {
        PolicyEngine policy = new PolicyEngine(new RecordingAuditLog());
        List<Notice> sent = new ArrayList<>();
        MapCity city = new MapCity();
        Subscriptions subscriptions = new Subscriptions(city, policy, (name, grant) -> true, sent::add, contexts, java.time.Clock.systemUTC(),
                10, new Subscriptions.Store() {
                    @Override
                    public void put(Subscription s) {
                    }

                    @Override
                    public void remove(String id) {
                    }
                });
        LdContext names = LdContext.fromLink("<" + ORIGIN + Contexts.REGIE_PATH + ">; rel=\"" + LdContext.REL + "\"",
                contexts, List.of(ORIGIN));
        subscriptions.create(SubscriptionBody.parse(mapper.readTree(("{'id': 'urn:ngsi-ld:Subscription:r',"
                + " 'type': 'Subscription', 'entities': [{'type': 'WasteContainer'}], 'notification': {'endpoint':"
                + " {'uri': 'http://hooks.example.org/n', 'accept': '" + accept + "'}}}").replace('\'', '"')), names,
                new Subscriber("", "operator", true), TextNode.valueOf(names.link()), ORIGIN, Instant.now()));
        Instant at = Instant.parse("2030-01-01T10:00:00Z");
        subscriptions.onReading(new Reading(EntityId.of("WasteContainer", "bin-001"), "fillingLevel", Value.of(0.8),
                "/", at, at, "bin-001", Location.of(4.9, 52.37)));
        return sent.get(0);
    }

    @Test
    void aJsonLdNotificationExpandsToTheStandardsTerms() throws Exception {
        JsonObject n = expand(new String(notification("application/ld+json").body(), StandardCharsets.UTF_8));
        assertEquals(NGSI + "Notification", n.getJsonArray("@type").getString(0));
        assertEquals("urn:ngsi-ld:Subscription:r", n.getJsonArray(NGSI + "subscriptionId").getJsonObject(0)
                .getString("@id"), "an IRI, not a string");
        JsonObject notifiedAt = n.getJsonArray(NGSI + "notifiedAt").getJsonObject(0);
        assertEquals(NGSI + "DateTime", notifiedAt.getString("@type"));
        JsonObject entity = n.getJsonArray(NGSI + "data").getJsonObject(0);
        assertEquals("urn:ngsi-ld:WasteContainer:bin-001", entity.getString("@id"));
        assertEquals(NGSI + "default-context/WasteContainer", entity.getJsonArray("@type").getString(0));
        JsonObject level = entity.getJsonArray(FILLING).getJsonObject(0);
        assertEquals(NGSI + "Property", level.getJsonArray("@type").getString(0));
        assertEquals(0.8, level.getJsonArray(NGSI + "hasValue").getJsonObject(0).getJsonNumber("@value")
                .doubleValue());
        JsonObject location = entity.getJsonArray(NGSI + "location").getJsonObject(0);
        assertEquals(NGSI + "GeoProperty", location.getJsonArray("@type").getString(0));
    }

    @Test
    void aJsonNotificationExpandsTheSameWithItsLinkHeaderContext() throws Exception {
        Notice notice = notification("application/json");
        String link = notice.headers().get("Link");
        String url = link.substring(1, link.indexOf('>'));
        // What an NGSI-LD receiver does with a JSON notification: the Link header's context applies to the body, and
        // the core context after it.
        Map<String, Object> body = mapper.readValue(notice.body(), Map.class);
        body.put("@context", List.of(url, Contexts.CORE));
        JsonObject n = expand(mapper.writeValueAsString(body));
        assertEquals(NGSI + "Notification", n.getJsonArray("@type").getString(0));
        assertTrue(n.getJsonArray(NGSI + "data").getJsonObject(0).containsKey(FILLING), n.toString());
    }

    @Test
    void aSubscriptionAnswerExpandsToTheStandardsTerms() throws Exception {
        LdContext core = LdContext.core(contexts);
        Subscription s = SubscriptionBody.parse(mapper.readTree(("{'id': 'urn:ngsi-ld:Subscription:s', 'type':"
                + " 'Subscription', 'entities': [{'type': 'WasteContainer', 'idPattern': 'bin'}], 'watchedAttributes':"
                + " ['" + FILLING + "'], 'q': 'x>1', 'throttling': 5, 'notification': {'format': 'keyValues',"
                + " 'endpoint': {'uri': 'http://hooks.example.org/n'}}}").replace('\'', '"')), core,
                new Subscriber("p", "t", false), TextNode.valueOf(Contexts.CORE), ORIGIN, Instant.now());
        Map<String, Object> answer = SubscriptionJson.answer(s, core, new DeliveryStatus().snapshot(), Instant.now());
        answer.put("@context", Contexts.CORE);
        JsonObject e = expand(mapper.writeValueAsString(answer));
        assertEquals(NGSI + "Subscription", e.getJsonArray("@type").getString(0));
        JsonObject selector = e.getJsonArray(NGSI + "entities").getJsonObject(0);
        assertEquals(NGSI + "default-context/WasteContainer", selector.getJsonArray("@type").getString(0));
        assertTrue(selector.containsKey(NGSI + "idPattern"), selector.toString());
        assertEquals(FILLING, e.getJsonArray(NGSI + "watchedAttributes").getJsonObject(0).getString("@id"));
        JsonObject notification = e.getJsonArray(NGSI + "notification").getJsonObject(0);
        JsonObject endpoint = notification.getJsonArray(NGSI + "endpoint").getJsonObject(0);
        assertTrue(endpoint.containsKey(NGSI + "uri"), endpoint.toString());
        assertTrue(notification.containsKey(NGSI + "timesSent"), notification.toString());
        assertTrue(e.containsKey(NGSI + "throttling") && e.containsKey(NGSI + "q") && e.containsKey(NGSI + "status"),
                e.toString());
    }

    @Test
    void aTemporalEntityExpandsToPropertiesWithValuesAndTimes() throws Exception {
        EntityId bin = EntityId.of("WasteContainer", "bin-001");
        Instant at = Instant.parse("2030-01-01T10:00:00Z");
        Series series = new Series(bin, "fillingLevel", "/", "bin-001", null, List.of(new Point(at, Value.of(0.5)),
                new Point(at.plusSeconds(60), Value.of(0.6))));
        LdContext names = LdContext.fromLink("<" + ORIGIN + Contexts.REGIE_PATH + ">; rel=\"" + LdContext.REL + "\"",
                contexts, List.of(ORIGIN));
        Map<String, Object> entity = TemporalRepresentation.entity(bin, List.of(series), names::term, 0, false);
        entity.put("@context", names.valueWithCore());
        JsonObject e = expand(mapper.writeValueAsString(entity));
        JsonArray instances = e.getJsonArray(FILLING);
        assertEquals(2, instances.size());
        assertEquals(NGSI + "DateTime", instances.getJsonObject(1).getJsonArray(NGSI + "observedAt")
                .getJsonObject(0).getString("@type"));
        assertEquals("2030-01-01T10:01:00Z", instances.getJsonObject(1).getJsonArray(NGSI + "observedAt")
                .getJsonObject(0).getString("@value"));
    }

    @Test
    void theRefereeRefusesAContextRegieDoesNotShip() {
        assertThrows(JsonLdError.class, () -> expand("{\"@context\": \"https://example.org/other.jsonld\","
                + " \"id\": \"urn:x\"}"));
        assertEquals(URI.create(Contexts.CORE).getScheme(), "https");
    }
}
