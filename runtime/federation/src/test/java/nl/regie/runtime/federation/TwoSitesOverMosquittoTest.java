package nl.regie.runtime.federation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.testing.Mosquitto;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sites' engines and links through Debian's Mosquitto: readings cross by the policies' rules, personal data does
 * not, and a broker restart in the middle of a stream loses nothing and duplicates nothing.
 */
class TwoSitesOverMosquittoTest {

    private static final Instant T = Instant.parse("2026-11-28T03:00:00Z");
    private static final Map<String, Object> ROESELARE = Map.of(
            "devices", "gauge-*=waterboard, res-*=city",
            "personal", "WaterObserved/+/observer",
            "sites", "gent",
            "exports", new String[] {"waterboard>gent WaterObserved/#"});
    private static final Map<String, Object> GENT = Map.of(
            "sites", "roeselare",
            "imports", "roeselare:waterboard WaterObserved/#",
            "grants", "roeselare:waterboard>city WaterObserved/#");

    @TempDir
    Path dir;
    private Mosquitto broker;
    private TestSite roeselare;
    private TestSite gent;

    @AfterEach
    void stop() {
        for (AutoCloseable open : new AutoCloseable[] {roeselare, gent, broker}) {
            try {
                if (open != null) {
                    open.close();
                }
            } catch (Exception e) {
                // closing what is left
            }
        }
    }

    private void start() throws Exception {
        broker = Mosquitto.start(dir);
        roeselare = new TestSite("roeselare", ROESELARE, broker.url(), null);
        gent = new TestSite("gent", GENT, broker.url(), null);
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.link.isConnected() && gent.link.isConnected());
    }

    @Test
    void aGaugeReadingCrossesAndPersonalDataDoesNot() throws Exception {
        start();
        // The subscription is made right after the connection: wait for it by sending until one arrives.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            roeselare.engine.export(level(0, 0.1));
            return !gent.bus.isEmpty();
        });
        roeselare.engine.export(level(1, 3.2));
        roeselare.engine.export(new Reading(EntityId.of("WaterObserved", "g1"), "observer", Value.of("J. Peeters"),
                "", T.plusSeconds(1), T.plusSeconds(1), "gauge-1", null));
        roeselare.engine.export(level(2, 3.3));
        await().atMost(Duration.ofSeconds(10)).until(() -> afterWarmUp(gent.bus).size() == 2);
        Reading last = afterWarmUp(gent.bus).get(1);
        assertEquals("roeselare:waterboard/gauge-1", last.source());
        assertEquals(3.3, last.number().getAsDouble());
        assertEquals("waterLevel", afterWarmUp(gent.bus).get(0).attribute());
        assertTrue(gent.bus.stream().noneMatch(r -> r.attribute().equals("observer")), "personal stays home");
        assertEquals(last, gent.policy.readView("city", "nl.dijkwacht.flood").apply(last), "Gent's city is granted");
        assertEquals(null, gent.policy.readView("police", "nl.police.watch").apply(last), "Gent's police is not");
        await().atMost(Duration.ofSeconds(5)).until(() -> roeselare.link.queued() == 0);
        assertEquals(Map.of("roeselare:waterboard WaterObserved/#", (long) gent.bus.size()), gent.engine.imported());
    }

    /** What arrived after the warm-up readings (dated T). */
    private static List<Reading> afterWarmUp(List<Reading> readings) {
        return readings.stream().filter(r -> r.observedAt().isAfter(T)).toList();
    }

    @Test
    void aBrokerRestartMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            roeselare.engine.export(level(0, 0.1));
            return !gent.bus.isEmpty();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> roeselare.link.queued() == 0);
        gent.bus.clear();
        int total = 3000;
        for (int i = 1; i <= total / 2; i++) {
            roeselare.engine.export(level(i, i / 1000.0));
        }
        broker.restart();
        for (int i = total / 2 + 1; i <= total; i++) {
            roeselare.engine.export(level(i, i / 1000.0));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> distinct(gent.bus).size() == total);
        // Anything still in flight would show as a second copy now: wait until the sender has nothing left.
        await().atMost(Duration.ofSeconds(10)).until(() -> roeselare.link.queued() == 0);
        assertEquals(total, gent.bus.size(), "no reading twice on Gent's bus");
        assertEquals(0L, roeselare.engine.dropped().getOrDefault("queue-full", 0L));
        assertTrue(roeselare.log.messages("warn").stream().anyMatch(m -> m.contains("lost the shared broker")),
                "the link did go down: " + roeselare.log.messages("warn"));
    }

    @Test
    void aStreamKeepsItsOrderWhenTheBrokerAllowsFewInFlight() throws Exception {
        // Five in flight at most: most offers find Paho refusing and wait in the queue, behind which later offers must
        // line up rather than go to Paho first.
        int port = Mosquitto.freePort();
        broker = Mosquitto.configured(dir, port, String.join("\n", "listener " + port + " 127.0.0.1",
                "allow_anonymous true", "max_topic_alias 0", "max_inflight_messages 5", "max_queued_messages 1000000",
                "set_tcp_nodelay true", ""));
        broker.launch();
        roeselare = new TestSite("roeselare", ROESELARE, broker.url(), null);
        gent = new TestSite("gent", GENT, broker.url(), null);
        await().atMost(Duration.ofSeconds(15)).until(() -> roeselare.link.isConnected() && gent.link.isConnected());
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            roeselare.engine.export(level(0, 0.1));
            return !gent.bus.isEmpty();
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> roeselare.link.queued() == 0);
        gent.bus.clear();
        long deferredBefore = roeselare.link.deferred();
        int total = 5000;
        for (int i = 1; i <= total; i++) {
            roeselare.engine.export(level(i, i / 1000.0));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> gent.bus.size() >= total);
        await().atMost(Duration.ofSeconds(10)).until(() -> roeselare.link.queued() == 0);
        List<Instant> order = gent.bus.stream().map(Reading::observedAt).toList();
        assertEquals(total, order.size(), "each reading once");
        for (int i = 0; i < total; i++) {
            assertEquals(T.plusSeconds(i + 1), order.get(i), "reading " + (i + 1) + " in its place");
        }
        assertTrue(roeselare.link.deferred() - deferredBefore > 0, "some offers waited behind Paho's window");
    }

    private static Set<Instant> distinct(List<Reading> readings) {
        return readings.stream().map(Reading::observedAt).collect(Collectors.toSet());
    }

    private static Reading level(int second, double metres) {
        Instant at = T.plusSeconds(second);
        return new Reading(EntityId.of("WaterObserved", "g1"), "waterLevel", Value.of(metres), "m", at, at, "gauge-1",
                Location.of(3.125, 50.947));
    }
}
