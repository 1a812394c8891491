package nl.regie.runtime.ngsild.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.model.Format;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.ngsild.subscription.Subscription.Subscriber;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** A subscription body read strictly: what is right is kept, the first thing wrong is named. */
class SubscriptionBodyTest {

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Subscriber OWNER = new Subscriber("contractor", "app", false);
    private final ObjectMapper mapper = new ObjectMapper();
    private final Contexts contexts = Contexts.shipped();
    private final LdContext core = LdContext.core(contexts);

    private Subscription parse(String json) throws Exception {
        return SubscriptionBody.parse(mapper.readTree(json.replace('\'', '"')), core, OWNER,
                TextNode.valueOf(Contexts.CORE), "http://localhost:8080", NOW);
    }

    private static final String ENDPOINT = "'notification': {'endpoint': {'uri': 'http://hooks.example.org/n'}}";

    @Test
    void aFullBodyIsKeptInRegiesNames() throws Exception {
        Subscription s = parse("{'id': 'urn:ngsi-ld:Subscription:1', 'type': 'Subscription', 'subscriptionName':"
                + " 'bins', 'entities': [{'type': 'https://uri.etsi.org/ngsi-ld/"
                + "default-context/WasteContainer', 'idPattern': 'bin'}], 'watchedAttributes': ['https://smartdatamodels.org/"
                + "dataModel.WasteManagement/fillingLevel'], 'q': 'x>1', 'geoQ': {'georel': 'within', 'geometry':"
                + " 'Polygon', 'coordinates': [[[4,52],[5,52],[5,53],[4,52]]]}, 'notification': {'format':"
                + " 'keyValues', 'attributes': ['https://smartdatamodels.org/dataModel.WasteManagement/"
                + "fillingLevel'], 'endpoint': {'uri': 'mqtt://broker.example.org:1883/city/bins', 'accept':"
                + " 'application/ld+json', 'notifierInfo': [{'key': 'MQTT-QoS', 'value': '1'}]}}, 'throttling': 5,"
                + " 'expiresAt': '2030-02-01T00:00:00Z', 'isActive': false}");
        assertEquals("urn:ngsi-ld:Subscription:1", s.id());
        assertEquals("WasteContainer", s.entities().get(0).type());
        assertEquals(Set.of("fillingLevel"), s.watched());
        assertEquals(Set.of("fillingLevel"), s.attributes());
        assertEquals(Format.KEY_VALUES, s.format());
        assertEquals(1, s.endpoint().qos());
        assertTrue(s.endpoint().mqtt());
        assertEquals(5, s.throttling());
        assertEquals("paused", s.status(NOW));
        assertEquals("[[[4,52],[5,52],[5,53],[4,52]]]", s.geoQ().coordinates());
    }

    @Test
    void anIdIsMadeWhenNoneIsGiven() throws Exception {
        Subscription s = parse("{'type': 'Subscription', 'entities': [{'type': 'WasteContainer'}], " + ENDPOINT + "}");
        assertTrue(s.id().startsWith("urn:ngsi-ld:Subscription:"), s.id());
        assertEquals(Format.NORMALIZED, s.format());
        assertEquals("application/json", s.endpoint().accept());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no type | {'entities': [{'type': 'T'}], NOTIFY} | 'type' is required",
        "wrong type | {'type': 'Entity', 'entities': [{'type': 'T'}], NOTIFY} | 'type' must be \"Subscription\"",
        "no entities | {'type': 'Subscription', 'watchedAttributes': ['a'], NOTIFY} | 'entities' is required",
        "entities empty | {'type': 'Subscription', 'entities': [], NOTIFY} | 'entities' must be an array",
        "entity without type | {'type': 'Subscription', 'entities': [{'id': 'urn:x:1'}], NOTIFY} | must have a 'type'",
        "entity id no URI | {'type': 'Subscription', 'entities': [{'type': 'T', 'id': 'x'}], NOTIFY} | absolute URI",
        "bad idPattern | {'type': 'Subscription', 'entities': [{'type': 'T', 'idPattern': '(('}], NOTIFY} | not a regular expression",
        "watched not list | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'watchedAttributes': 'a', NOTIFY} | 'watchedAttributes' must be an array",
        "no notification | {'type': 'Subscription', 'entities': [{'type': 'T'}]} | 'notification' is required",
        "no endpoint | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {}} | 'notification.endpoint' is required",
        "endpoint no uri | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {}}} | 'uri' is required",
        "endpoint relative | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': '/n'}}} | absolute URI",
        "endpoint file | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'file:///etc/passwd'}}} | must be http, https, mqtt or mqtts",
        "endpoint credentials | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'http://u:p@h.example.org/'}}} | may not hold credentials",
        "mqtt wildcard | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'mqtt://h.example.org/a/#'}}} | without wildcards",
        "bad accept | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'http://h.example.org/', 'accept': 'text/html'}}} | 'notification.endpoint.accept'",
        "bad qos | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'mqtt://h.example.org/t', 'notifierInfo': [{'key': 'MQTT-QoS', 'value': '3'}]}}} | MQTT-QoS must be 0, 1 or 2",
        "header injection | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'http://h.example.org/', 'receiverInfo': [{'key': 'X', 'value': 'a\\r\\nHost: evil'}]}}} | must be one line",
        "host header | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'endpoint': {'uri': 'http://h.example.org/', 'receiverInfo': [{'key': 'Host', 'value': 'x'}]}}} | cannot be sent as a header",
        "bad format | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'notification': {'format': 'xml', 'endpoint': {'uri': 'http://h.example.org/'}}} | 'notification.format' must be",
        "throttling negative | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'throttling': -1, NOTIFY} | 'throttling' must be a whole number",
        "throttling fraction | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'throttling': 1.5, NOTIFY} | 'throttling' must be a whole number",
        "interval and watched | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'watchedAttributes': ['a'], 'timeInterval': 5, NOTIFY} | exclude each other",
        "expiresAt bad | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'expiresAt': 'tomorrow', NOTIFY} | 'expiresAt' must be a date",
        "expiresAt past | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'expiresAt': '2029-01-01T00:00:00Z', NOTIFY} | is not in the future",
        "isActive text | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'isActive': 'yes', NOTIFY} | 'isActive' must be true or false",
        "unknown member | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'colour': 'red', NOTIFY} | unknown member 'colour'",
        "empty q | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'q': '', NOTIFY} | 'q' must be a query",
        "geoQ without geometry | {'type': 'Subscription', 'entities': [{'type': 'T'}], 'geoQ': {'georel': 'within', 'coordinates': [1,2]}, NOTIFY} | 'geometry' is required",
        "id not a URI | {'type': 'Subscription', 'id': 'sub 1', 'entities': [{'type': 'T'}], NOTIFY} | 'id' must be"})
    void badBodiesAreBadRequestDataNamingWhatIsWrong(String what, String body, String message) {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> parse(body.replace("NOTIFY", ENDPOINT)));
        assertEquals(ProblemType.BAD_REQUEST_DATA, e.type(), what);
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    }

    @Test
    void membersRegieDoesNotActOnAreRefusedRatherThanIgnored() {
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> parse("{'type': 'Subscription', 'entities':"
                + " [{'type': 'T'}], 'temporalQ': {}, " + ENDPOINT + "}"));
        assertEquals(ProblemType.OPERATION_NOT_SUPPORTED, e.type());
    }

    @Test
    void aPatchReplacesMembersAndMergesTheNotification() throws Exception {
        ObjectNode current = (ObjectNode) mapper.readTree("{\"id\": \"urn:s:1\", \"type\": \"Subscription\","
                + " \"throttling\": 5, \"notification\": {\"format\": \"keyValues\", \"endpoint\": {\"uri\":"
                + " \"http://a.example.org/\"}}}");
        ObjectNode merged = SubscriptionBody.merge(current, mapper.readTree("{\"throttling\": 9, \"notification\":"
                + " {\"endpoint\": {\"uri\": \"http://b.example.org/\"}}}"));
        assertEquals(9, merged.get("throttling").intValue());
        assertEquals("keyValues", merged.get("notification").get("format").asText());
        assertEquals("http://b.example.org/", merged.get("notification").get("endpoint").get("uri").asText());
        NgsiLdException e = assertThrows(NgsiLdException.class, () -> SubscriptionBody.merge(current,
                mapper.readTree("{\"id\": \"urn:s:2\"}")));
        assertTrue(e.getMessage().contains("may not change"), e.getMessage());
        assertThrows(NgsiLdException.class, () -> SubscriptionBody.merge(current, mapper.readTree("{}")));
        assertEquals(List.of(), List.of());
    }
}
