package nl.regie.runtime.pub.cap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Public alerts as CAP 1.2: every message valid against the official OASIS schema, updates, cancellations, refusals. */
class CapFeedTest {

    private static final Schema CAP = schema();
    private static final Instant T = Instant.parse("2030-03-01T06:00:00Z");
    private static final Location AMSTEL = Location.of(4.9045, 52.3665);

    private final List<String> warnings = new ArrayList<>();
    private final CapFeed feed = new CapFeed("regie", "demo", Set.of("naturalDisaster/flood", "fire"),
            Duration.ofHours(24), alert -> alert.location() == null ? Optional.empty()
                    : Optional.of(new CapMessage.Area("within 500 m of the Amstel", alert.location(), 500)),
            alert -> "Nearest sandbag points: Waterlooplein (320 m).", warnings::add, Clock.fixed(T, ZoneOffset.UTC));

    private static Schema schema() {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(CapFeedTest.class.getResource("/cap/CAP-v1.2.xsd"));
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Validates a CAP document against the official schema; throws naming the broken rule. */
    static void assertValidCap(String xml) throws Exception {
        Validator validator = CAP.newValidator();
        validator.validate(new StreamSource(new StringReader(xml)));
    }

    private static Alert flood(AlertSeverity severity, String description, Instant updated, Instant resolved,
            Location where) {
        return new Alert(EntityId.of("Alert", "flood-gauge-01"), "naturalDisaster", "flood", severity, description,
                EntityId.of("WaterObserved", "gauge-01"), where, T, resolved, updated, "nl.dijkwacht.flood");
    }

    @Test
    void anAlertItsUpdateAndItsCancellationAreValidCapReferringToTheEarlierMessages() throws Exception {
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null, AMSTEL)));
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null, AMSTEL)));
        feed.observe(List.of(flood(AlertSeverity.CRITICAL, "Water at Amstel is 1.85 m", T.plusSeconds(600), null,
                AMSTEL)));
        feed.observe(List.of(flood(AlertSeverity.CRITICAL, "Water at Amstel is 1.85 m", T.plusSeconds(600),
                T.plusSeconds(3600), AMSTEL)));
        List<CapMessage> all = new ArrayList<>();
        for (String id : List.of("regie-demo-flood-gauge-01-" + T.toEpochMilli(),
                "regie-demo-flood-gauge-01-" + T.plusSeconds(600).toEpochMilli(),
                "regie-demo-flood-gauge-01-" + T.plusSeconds(3600).toEpochMilli())) {
            all.add(feed.message(id).orElseThrow(() -> new AssertionError("no message " + id)));
        }
        assertEquals(List.of("Alert", "Update", "Cancel"), all.stream().map(CapMessage::msgType).toList(),
                "an unchanged alert makes no new message");
        for (CapMessage message : all) {
            String xml = CapXml.document(message, "http://localhost/public/alerts/" + message.identifier() + ".xml");
            assertValidCap(xml);
        }
        Document update = parse(CapXml.document(all.get(1), null));
        assertEquals("regie,regie-demo-flood-gauge-01-" + T.toEpochMilli() + ",2030-03-01T06:00:00+00:00",
                text(update, "references"));
        assertEquals("Immediate", text(update, "urgency"));
        assertEquals("Extreme", text(update, "severity"));
        assertEquals("Observed", text(update, "certainty"));
        assertEquals("Met", text(update, "category"));
        assertEquals("52.366500,4.904500 0.500", text(update, "circle"), "CAP circles are lat,lon and kilometres");
        assertEquals("Nearest sandbag points: Waterlooplein (320 m).", text(update, "instruction"));
        Document cancel = parse(CapXml.document(all.get(2), null));
        assertEquals(2, text(cancel, "references").split(" ").length);
        assertEquals("2030-03-01T07:00:00+00:00", text(cancel, "sent"));
        assertEquals("2030-03-01T07:00:00+00:00", text(cancel, "expires"));
        assertEquals("Past", text(cancel, "urgency"));
        feed.observe(List.of(flood(AlertSeverity.CRITICAL, "Water at Amstel is 1.85 m", T.plusSeconds(600),
                T.plusSeconds(3600), AMSTEL)));
        assertEquals(1, feed.latest(10).size());
        assertEquals("Cancel", feed.latest(10).get(0).msgType(), "the feed shows each alert's latest message");
    }

    @Test
    void aNewDescriptionAloneIsNoUpdateButANewInstructionOrAreaIs() {
        feed.observe(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null, AMSTEL));
        assertTrue(feed.observe(flood(AlertSeverity.HIGH, "Water at Amstel is 1.55 m", T.plusSeconds(60), null,
                AMSTEL)).isEmpty(), "residents are told nothing new");
        CapMessage moved = feed.observe(flood(AlertSeverity.HIGH, "Water at Amstel is 1.55 m", T.plusSeconds(120),
                null, Location.of(4.91, 52.37))).orElseThrow();
        assertEquals("Update", moved.msgType(), "a new area is an update");
        assertEquals(1, moved.references().size());
        assertEquals(2, feed.issued());
    }

    @Test
    void anAlertRaisedAgainAfterItsCancelIsANewAlert() {
        feed.observe(flood(AlertSeverity.HIGH, "Water", T, null, AMSTEL));
        feed.observe(flood(AlertSeverity.HIGH, "Water", T, T.plusSeconds(60), AMSTEL));
        Alert again = new Alert(EntityId.of("Alert", "flood-gauge-01"), "naturalDisaster", "flood",
                AlertSeverity.HIGH, "Water again", null, AMSTEL, T.plusSeconds(600), null, T.plusSeconds(600), "x");
        CapMessage second = feed.observe(again).orElseThrow();
        assertEquals("Alert", second.msgType());
        assertTrue(second.references().isEmpty(), second.references().toString());
        assertTrue(feed.observe(flood(AlertSeverity.HIGH, "Water", T, T.plusSeconds(60), AMSTEL)).isEmpty(),
                "the old episode's end, seen late, changes nothing");
    }

    @Test
    void theAtomFeedEmbedsEachAlertsLatestMessageValidAndLinked() throws Exception {
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null, AMSTEL),
                new Alert(EntityId.of("Alert", "fire-bin-7"), "fire", "", AlertSeverity.CRITICAL, "Fire in bin 7",
                        null, AMSTEL, T.plusSeconds(5), null, T.plusSeconds(5), "nl.regie.waste")));
        String atom = AtomFeed.write(feed.latest(10), "http://localhost:8080/public/alerts", "demo", T);
        Document doc = parse(atom);
        assertEquals("http://www.w3.org/2005/Atom", doc.getDocumentElement().getNamespaceURI());
        NodeList alerts = doc.getElementsByTagNameNS(CapXml.NAMESPACE, "alert");
        assertEquals(2, alerts.getLength());
        for (int i = 0; i < alerts.getLength(); i++) {
            CAP.newValidator().validate(new DOMSource(alerts.item(i)));
        }
        NodeList links = doc.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "link");
        assertTrue(((Element) links.item(1)).getAttribute("href").startsWith("http://localhost:8080/public/alerts/"
                + "regie-demo-fire-bin-7-"), "newest first, each linked by URL");
        assertEquals("Fire", text(doc, "category"));
    }

    @Test
    void anAlertWithNoAreaIsRefusedWithAReasonCountedOnce() throws Exception {
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null, null)));
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null, null)));
        assertEquals(1, feed.refusals());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("flood-gauge-01") && warnings.get(0).contains("has no area"),
                warnings.get(0));
        assertTrue(feed.latest(10).isEmpty(), "not published");
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.53 m", T.plusSeconds(60), null, AMSTEL)));
        assertEquals("Alert", feed.latest(10).get(0).msgType(), "once it has an area it is published");
    }

    @Test
    void onlyTheCategoriesTheOperatorMarksPublicArePublished() {
        feed.observe(List.of(new Alert(EntityId.of("Alert", "full-bin-1"), "environment", "waste",
                AlertSeverity.LOW, "Bin full", null, AMSTEL, T, null, T, "nl.regie.waste"),
                new Alert(EntityId.of("Alert", "flood-x"), "naturalDisaster", "storm", AlertSeverity.HIGH, "Storm",
                        null, AMSTEL, T, null, T, "x")));
        assertTrue(feed.latest(10).isEmpty());
        assertEquals(0, feed.refusals());
    }

    @Test
    void anAlertResolvedBeforeItWasEverPublishedIsNotCancelled() {
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water", T, T.plusSeconds(60), AMSTEL)));
        assertTrue(feed.latest(10).isEmpty());
    }

    @Test
    void hostileTextIsEscapedAndTheMessageStaysValid() throws Exception {
        feed.observe(List.of(flood(AlertSeverity.HIGH, "<script>alert(1)</script> & \"x\" \u0001 ]]>", T, null,
                AMSTEL)));
        String xml = CapXml.document(feed.latest(1).get(0), "http://x/?a=1&b=<2>");
        assertValidCap(xml);
        assertFalse(xml.contains("<script>"));
        assertEquals("<script>alert(1)</script> & \"x\"  ]]>", text(parse(xml), "description"));
    }

    @Test
    void aSenderCapForbidsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CapFeed("city hall",
                "demo", Set.of(), Duration.ofHours(1), a -> Optional.empty(), a -> "", w -> { }, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("must not contain spaces"), e.getMessage());
    }

    @Test
    void aNewConfigurationKeepsThePublishedMessagesAndABadSenderChangesNothing() {
        feed.observe(List.of(flood(AlertSeverity.HIGH, "Water", T, null, AMSTEL)));
        assertThrows(IllegalArgumentException.class, () -> feed.configure("a,b", Set.of(), Duration.ofHours(1)));
        assertTrue(feed.isPublic(flood(AlertSeverity.HIGH, "Water", T, null, AMSTEL)), "the categories in force stay");
        assertThrows(IllegalArgumentException.class, () -> feed.configure("regie", Set.of(), Duration.ZERO));
        feed.configure("regie.city", Set.of("naturalDisaster/flood"), Duration.ofHours(24));
        feed.observe(List.of(flood(AlertSeverity.CRITICAL, "Water", T.plusSeconds(60), null, AMSTEL)));
        CapMessage update = feed.latest(1).get(0);
        assertEquals("Update", update.msgType(), "the alert published before the change is updated, not new");
        assertEquals("regie.city", update.sender());
        assertTrue(update.references().get(0).startsWith("regie,regie-demo-flood-gauge-01-"), update.references()
                .toString());
    }

    @Test
    void theSchemaCatchesWhatCapForbids() {
        // The check checks: a Z time zone and a missing area description are not CAP 1.2.
        String bad = CapXml.document(new CapMessage("id", "regie", T, "Alert", List.of(), "k", "Met", "flood",
                "Immediate", "Extreme", "Observed", "h", "d", "", T, null, new CapMessage.Area("a", AMSTEL, 1)), null)
                .replace("2030-03-01T06:00:00+00:00", "2030-03-01T06:00:00Z");
        assertThrows(SAXException.class, () -> assertValidCap(bad));
        String noArea = CapXml.document(new CapMessage("id", "regie", T, "Alert", List.of(), "k", "Met", "flood",
                "Immediate", "Extreme", "Observed", "h", "d", "", T, null, new CapMessage.Area("a", AMSTEL, 1)), null)
                .replaceAll("(?s)<areaDesc>.*</areaDesc>", "");
        assertThrows(SAXException.class, () -> assertValidCap(noArea));
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static String text(Document doc, String element) {
        return doc.getElementsByTagNameNS(CapXml.NAMESPACE, element).item(0).getTextContent();
    }
}
