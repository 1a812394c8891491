package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import javax.inject.Inject;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.CityState;
import nl.regie.itests.plugin.echo.EchoPlugin;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A plugin going past every per-plugin limit within its own scope, on a running framework: its flood is throttled and
 * its made-up entities capped while the devices' readings, published meanwhile as the device bridge does, all reach the
 * city state and none is dropped; its subscriptions, alerts and threads past their limits are refused or reported; a
 * well-behaved plugin carries on. Limits are set through ConfigurationAdmin (this framework has no config folder).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostileLimitsTest extends RegieTestSupport {

    private static final String LIMITS_PID = "nl.regie.runtime.limits";
    private static final int GAUGES = 100;
    private static final int ROUNDS = 1_000;
    private static final int FLOOD = 2_000_000;

    @Inject
    private ConfigurationAdmin configAdmin;

    /** The probe's own view of the city state: it declares every topic, so it sees every entity. */
    @Inject
    private CityState cityState;

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @After
    public void defaultLimits() throws Exception {
        configAdmin.getConfiguration(LIMITS_PID, "?").delete();
    }

    @Test
    public void aFloodIsThrottledAndCappedAndTheCityStateLosesNoneOfTheDevicesReadings() throws Exception {
        String since = "&since=" + Instant.now();
        String flooderName = "nl.regie.itests.flooder";
        Bundle echo = installPlugin(EchoPlugin.NAME, "1.0.0", TestBundles.ECHO_PACKAGE);
        Bundle flooder = installPlugin(flooderName, "1.0.0", TestBundles.FLOODER_PACKAGE);
        Function<String, String> flood = roleService(flooder, "flooder");
        awaitSubscription(echo, "1.0.0");
        int entitiesBefore = cityState.all().size();

        // The devices report throughout the flood, at about 50,000 readings a second, as the device bridge publishes
        // them: under the runtime's own name, with no limit.
        CompletableFuture<String> flooding = CompletableFuture.supplyAsync(() -> flood.apply("flood " + FLOOD));
        for (int round = 0; round < ROUNDS; round++) {
            for (int gauge = 0; gauge < GAUGES; gauge++) {
                bus.publish(Reading.of(EntityId.of("WaterObserved", "gauge-" + gauge), "waterLevel",
                        Value.of(round), "m", "gauge-" + gauge));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // the devices' pace, not a wait for anything
        }
        String result = flooding.get(120, TimeUnit.SECONDS);

        // Every gauge's last reading is in the city state; none of the runtime's own subscriptions dropped one.
        await("every gauge's last reading in the city state", () -> lastRoundEverywhere(), () -> result);
        for (SubscriberInfo runtimeOwn : runtimeSubscriptionsToEverything()) {
            assertEquals(runtimeOwn.toString(), 0, runtimeOwn.dropped());
        }
        // The flood was throttled and its made-up entities capped at the default limits.
        assertTrue(result, result.contains("publishPerSecond="));
        assertTrue(result, result.contains("entities="));
        assertTrue(result, result.contains(flooderName + "|publishPerSecond|10000|plugin " + flooderName
                + " 1.0.0 may not publish WaterObserved/fake-"));
        assertTrue(result, result.contains(flooderName + "|entities|10000|plugin " + flooderName + " 1.0.0 may not"
                + " publish WaterObserved/fake-10000/waterLevel: it has brought 10000 entities into the city state, its"
                + " limit entities = 10000"));
        int grown = cityState.all().size() - entitiesBefore;
        assertTrue("the state grew by " + grown, grown <= 10_000 + GAUGES);

        // The well-behaved plugin carries on.
        assertProbeStillEchoed(echo);

        String audit = awaitAudit(http, "kind=limit&actor=" + flooderName + since, "\"target\":\"publishPerSecond\"",
                "\"target\":\"entities\"", "\"outcome\":\"refused\"");
        assertEquals(audit, 2, audit.split("\"kind\":\"limit\"", -1).length - 1);
        String metrics = get(http, endpoint("/metrics")).body();
        assertTrue(metrics, metrics.contains("regie_plugin_entities{plugin=\"" + flooderName + "\"} 10000"));
        assertTrue(metrics, metrics.contains("regie_plugin_limit_refusals_total{plugin=\"" + flooderName
                + "\",limit=\"entities\"}"));
        System.out.println("Flood of " + FLOOD + " readings against the default limits: " + result.substring(0,
                result.indexOf(" first=")) + "; city state grew by " + grown + " entities, dropped 0 readings");
    }

    @Test
    public void subscriptionsAlertsAndThreadsPastTheirLimitsAreRefusedOrReported() throws Exception {
        String since = "&since=" + Instant.now();
        String spawner = "nl.regie.itests.spawner";
        Dictionary<String, Object> limits = new Hashtable<>();
        limits.put("subscriptions", 5);
        limits.put("threads", 3);
        limits.put("threadCheckSeconds", 1);
        limits.put("overrides", new String[] {spawner + " entities=3"});
        configAdmin.getConfiguration(LIMITS_PID, "?").update(limits);
        await("the limits in force", () -> {
            ServiceReference<?> inForce = context.getServiceReference("nl.regie.runtime.core.limits.Limits");
            return inForce != null && Integer.valueOf(5).equals(inForce.getProperty("subscriptions"));
        }, () -> "");
        Bundle plugin = installPlugin(spawner, "1.0.0", TestBundles.FLOODER_PACKAGE);
        Function<String, String> attempts = roleService(plugin, "flooder");

        String subscribed = attempts.apply("subscribe 10");
        assertTrue(subscribed, subscribed.startsWith("done=5 refused={subscriptions=5} first={subscriptions="
                + spawner + "|subscriptions|5|plugin " + spawner + " 1.0.0 may not subscribe to [WaterObserved/#]: it"
                + " has 5 subscriptions open, its limit subscriptions = 5}"));
        assertEquals(5, subscriptionsOf(plugin).size());

        String raised = attempts.apply("alerts 5");
        assertTrue(raised, raised.startsWith("done=3 refused={entities=2}"));
        assertTrue(raised, raised.contains("may not bring entity urn:ngsi-ld:Alert:fake-flood-" + spawner + "-3 into"
                + " the city state: it has brought 3 entities into the city state, its limit entities = 3"));

        // Threads cannot be refused: over the limit they are counted, audited and raised as the runtime's alert.
        assertTrue(attempts.apply("threads 6").startsWith("done=6"));
        String alertKey = "plugin-threads-" + spawner;
        await("the threads alert raised", () -> activeAlerts().contains(alertKey), this::activeAlerts);
        assertTrue(metricsBody(), metricsBody().contains("regie_plugin_threads{plugin=\"" + spawner + "\"} 6"));
        attempts.apply("stop-threads");
        await("the threads alert resolved", () -> !activeAlerts().contains(alertKey), this::activeAlerts);

        awaitAudit(http, "kind=limit&actor=" + spawner + since, "\"target\":\"subscriptions\"",
                "\"target\":\"entities\"", "\"target\":\"threads\"", "\"outcome\":\"reported\"", "runs 6 threads, over its limit threads = 3");
    }

    private boolean lastRoundEverywhere() {
        for (int gauge = 0; gauge < GAUGES; gauge++) {
            Value last = cityState.entity(EntityId.of("WaterObserved", "gauge-" + gauge))
                    .flatMap(e -> e.attribute("waterLevel")).map(a -> a.value()).orElse(null);
            if (!Value.of(ROUNDS - 1).equals(last)) {
                return false;
            }
        }
        return true;
    }

    /** The runtime's own subscriptions to every topic: the city state's, and the live stream's if it has one. */
    private List<SubscriberInfo> runtimeSubscriptionsToEverything() {
        List<SubscriberInfo> own = monitor.subscribers().stream()
                .filter(s -> s.bundleSymbolicName().startsWith("nl.regie.runtime.") && s.topicFilters().equals(List.of("#")))
                .toList();
        assertTrue(monitor.subscribers().toString(), !own.isEmpty());
        return own;
    }

    private void assertProbeStillEchoed(Bundle echo) {
        Queue<String> echoed = new ConcurrentLinkedQueue<>();
        Subscription percentages = bus.subscribe("WasteContainer/+/fillingPercent", r -> echoed.add(r.entity().localId()));
        try {
            bus.publish(fillingLevel("after-flood", 0.5));
            await("the echo plugin republished after the flood", () -> echoed.contains("after-flood"), echoed::toString);
        } finally {
            percentages.close();
        }
    }

    private String activeAlerts() {
        return get(http, endpoint("/api/alerts")).body();
    }

    private String metricsBody() {
        return get(http, endpoint("/metrics")).body();
    }

    private URI endpoint(String path) {
        return URI.create(httpEndpoint()).resolve(path);
    }
}
