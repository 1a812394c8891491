package nl.regie.runtime.pub.cap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.runtime.statefiles.StateFiles;
import nl.regie.runtime.testing.MutableClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The CAP messages issued, kept across restarts: nothing issued twice, each URL the same document, ended ones aged out. */
class CapFilesTest {

    private static final Instant T = Instant.parse("2030-03-01T06:00:00Z");
    private static final Location AMSTEL = Location.of(4.9045, 52.3665);

    @TempDir
    Path folder;
    private final MutableClock clock = new MutableClock(T);
    private final List<String> log = new ArrayList<>();
    private final List<CapFiles> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(CapFiles::close);
    }

    /** A feed as a new component instance makes it: fresh, then loaded from the folder. */
    private CapFeed feedOnFolder() throws IOException {
        CapFeed feed = new CapFeed("regie", "demo", Set.of("naturalDisaster/flood"), Duration.ofHours(24),
                alert -> alert.location() == null ? Optional.empty()
                        : Optional.of(new CapMessage.Area("within 500 m", alert.location(), 500)),
                alert -> "Nearest sandbag points: Waterlooplein (320 m).", log::add, clock);
        open.add(CapFiles.open(feed, folder, (level, message) -> log.add(level + " " + message)));
        return feed;
    }

    private void restart() {
        open.forEach(CapFiles::close);
        open.clear();
    }

    private static Alert flood(AlertSeverity severity, String description, Instant updated, Instant resolved) {
        return new Alert(EntityId.of("Alert", "flood-gauge-01"), "naturalDisaster", "flood", severity, description,
                EntityId.of("WaterObserved", "gauge-01"), AMSTEL, T, resolved, updated, "nl.dijkwacht.flood");
    }

    @Test
    void raisedChangedAndEndedIsAlertUpdateCancelAndARestartIssuesNothingNew() throws Exception {
        CapFeed feed = feedOnFolder();
        List<Alert> life = List.of(flood(AlertSeverity.HIGH, "Water at Amstel is 1.52 m", T, null),
                flood(AlertSeverity.HIGH, "Water at Amstel is 1.60 m", T.plusSeconds(300), null),
                flood(AlertSeverity.CRITICAL, "Water at Amstel is 1.85 m", T.plusSeconds(600), null),
                flood(AlertSeverity.CRITICAL, "Water at Amstel is 1.85 m", T.plusSeconds(600), T.plusSeconds(3600)));
        List<CapMessage> issued = new ArrayList<>();
        for (Alert alert : life) {
            clock.advance(Duration.ofMinutes(1));
            feed.observe(alert).ifPresent(issued::add);
        }
        assertEquals(List.of("Alert", "Update", "Cancel"), issued.stream().map(CapMessage::msgType).toList(),
                "a new water level alone tells residents nothing new; a new severity does");
        CapMessage alert = issued.get(0);
        CapMessage update = issued.get(1);
        CapMessage cancel = issued.get(2);
        assertEquals(List.of(CapFeed.reference(alert)), update.references());
        assertEquals(List.of(CapFeed.reference(alert), CapFeed.reference(update)), cancel.references());
        Document cancelXml = CapFeedTest.parse(CapXml.document(cancel, null));
        assertEquals("regie,regie-demo-flood-gauge-01-" + T.toEpochMilli() + ",2030-03-01T06:00:00+00:00 regie,"
                + "regie-demo-flood-gauge-01-" + T.plusSeconds(600).toEpochMilli() + ",2030-03-01T06:10:00+00:00",
                CapFeedTest.text(cancelXml, "references"));
        List<String> documents = new ArrayList<>();
        for (CapMessage m : issued) {
            String xml = CapXml.document(m, "http://localhost/public/alerts/" + m.identifier() + ".xml");
            CapFeedTest.assertValidCap(xml);
            documents.add(xml);
        }

        restart();
        CapFeed again = feedOnFolder();
        again.observe(life);
        again.observe(life.get(3));
        assertEquals(0, again.issued(), "a restart on the same folder issues nothing again");
        for (int i = 0; i < issued.size(); i++) {
            CapMessage m = again.message(issued.get(i).identifier()).orElseThrow();
            assertEquals(documents.get(i), CapXml.document(m, "http://localhost/public/alerts/" + m.identifier()
                    + ".xml"), "each message by URL stays the same document");
        }
        assertEquals(List.of(cancel), again.latest(10));
    }

    @Test
    void anActiveAlertRestoredIsUpdatedNotRaisedAgain() throws Exception {
        CapFeed feed = feedOnFolder();
        CapMessage first = feed.observe(flood(AlertSeverity.HIGH, "Water", T, null)).orElseThrow();
        restart();
        CapFeed again = feedOnFolder();
        CapMessage update = again.observe(flood(AlertSeverity.CRITICAL, "Water", T.plusSeconds(60), null))
                .orElseThrow();
        assertEquals("Update", update.msgType());
        assertEquals(List.of(CapFeed.reference(first)), update.references());
    }

    @Test
    void anEndedAlertsMessagesStayForTheTimeKeptThenAreForgottenAlsoAfterARestart() throws Exception {
        CapFeed feed = feedOnFolder();
        CapMessage first = feed.observe(flood(AlertSeverity.HIGH, "Water", T, null)).orElseThrow();
        clock.advance(Duration.ofMinutes(30));
        CapMessage cancel = feed.observe(flood(AlertSeverity.HIGH, "Water", T, T.plusSeconds(1800))).orElseThrow();
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertEquals(List.of(cancel), feed.latest(10), "kept for 24 h after the Cancel");
        assertTrue(feed.message(first.identifier()).isPresent());

        restart();
        CapFeed again = feedOnFolder();
        assertEquals(List.of(cancel), again.latest(10), "the time kept counts from the Cancel, across a restart");
        clock.advance(Duration.ofSeconds(2));
        assertTrue(again.latest(10).isEmpty(), "24 h after its Cancel the alert is gone from the feed");
        assertFalse(again.message(first.identifier()).isPresent(), "and its messages from their URLs");
        again.observe(flood(AlertSeverity.HIGH, "Water", T, T.plusSeconds(1800)));
        assertEquals(0, again.issued(), "an alert resolved long ago is not published again");

        restart();
        CapFeed third = feedOnFolder();
        assertTrue(third.latest(10).isEmpty(), "what was forgotten stays forgotten");
        assertTrue(third.all().isEmpty());
    }

    @Test
    void aDamagedFileIsReportedAndTheFeedStartsWithWhatCouldBeRead() throws Exception {
        CapFeed feed = feedOnFolder();
        feed.observe(flood(AlertSeverity.HIGH, "Water", T, null));
        restart();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes.length > 40) {
                    bytes[bytes.length - 5] ^= 0x5a; // inside the last record: its checksum no longer matches
                    Files.write(file, bytes);
                }
            }
        }
        CapFeed again = feedOnFolder();
        assertTrue(log.stream().anyMatch(line -> line.startsWith(StateFiles.Log.Level.ERROR + " ")
                || line.startsWith(StateFiles.Log.Level.WARN + " ")), log.toString());
        assertTrue(log.stream().anyMatch(line -> line.contains("the public alerts")), log.toString());
        again.observe(flood(AlertSeverity.HIGH, "Water", T, null));
        assertEquals(1, again.latest(10).size(), "the alert is published, once");
    }
}
