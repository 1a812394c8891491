package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import nl.regie.itests.plugin.faulty.FaultyListener;
import nl.regie.itests.plugin.sick.SickCheck;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.Outcome.Operation;
import nl.regie.runtime.spi.lifecycle.Outcome.Result;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;
import nl.regie.runtime.spi.lifecycle.PluginRecord;

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
 * Health-gated updates through the plugin lifecycle while readings flow: nothing lost, duplicated or reordered,
 * whether the new version is promoted or rolled back; and the operator's rollback to the previous version.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginUpdateTest extends LifecycleTestSupport {

    /** The rate the issue asks for. */
    private static final int PER_SECOND = 10_000;
    /** Readings that flow before and after the update (half a second's worth). */
    private static final int SETTLE = PER_SECOND / 2;
    /** The faulty plugin's component (by name: the probe cannot load the plugin's classes). */
    private static final String FAULTY_COMPONENT = TestBundles.FAULTY_PACKAGE + ".FaultyListener";

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] configuration() {
        return options();
    }

    @Test
    public void updateUnderLoadLosesNothingDuplicatesNothingAndKeepsOrder() throws Exception {
        String name = "nl.regie.itests.sequence.update";
        SequenceSink sink = registerSequenceSink();
        installThroughLifecycle(name, "1.0.0", TestBundles.SEQUENCE_PACKAGE);

        Outcome outcome;
        long published;
        try (SequencePublisher publisher = SequencePublisher.start(bus, PER_SECOND)) {
            await(SETTLE + " readings through 1.0.0", () -> sink.count() >= SETTLE, sink::count);
            outcome = lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.SEQUENCE_PACKAGE), ORIGIN);
            long atUpdate = publisher.published();
            await(SETTLE + " more readings through 1.0.1", () -> sink.count() >= atUpdate + SETTLE, sink::count);
            publisher.close();
            published = publisher.published();
        }

        assertEquals(outcome.toString(), Result.PROMOTED, outcome.result());
        assertEquals("1.0.0", outcome.fromVersion());
        assertEquals("1.0.1", outcome.toVersion());
        assertEquals("1.0.1", bundleNamed(name).getVersion().toString());
        assertTrue("readings were held during the swap: " + outcome, outcome.held() > 0);
        assertEquals("none dropped: " + outcome, 0, outcome.dropped());
        await("all " + published + " readings received", () -> sink.count() >= published, sink::count);
        assertEquals("exactly 0.." + (published - 1) + ", in order", "", sink.problems(published));
        assertEquals(published, sink.count());
        awaitLogged("INFO", "Plugin " + name + " updated 1.0.0 -> 1.0.1 (promoted in", "readings held, gap");
    }

    @Test
    public void updateWhoseComponentFailsToActivateIsRolledBackAndTheOldVersionKeepsReceiving() throws Exception {
        String name = "nl.regie.itests.sequence.faulty";
        SequenceSink sink = registerSequenceSink();
        Bundle plugin = installThroughLifecycle(name, "1.0.0", TestBundles.SEQUENCE_PACKAGE);

        Outcome outcome;
        long published;
        try (SequencePublisher publisher = SequencePublisher.start(bus, PER_SECOND)) {
            await(SETTLE + " readings through 1.0.0", () -> sink.count() >= SETTLE, sink::count);
            outcome = lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.FAULTY_PACKAGE), ORIGIN);
            long atRollback = publisher.published();
            await(SETTLE + " more readings through 1.0.0 again", () -> sink.count() >= atRollback + SETTLE, sink::count);
            publisher.close();
            published = publisher.published();
        }

        assertEquals(outcome.toString(), Result.ROLLED_BACK, outcome.result());
        assertEquals("1.0.0", outcome.fromVersion());
        assertEquals("the previous version runs again", "1.0.0", outcome.toVersion());
        assertTrue("the reason names the version and the failure: " + outcome.reason(),
                outcome.reason().contains("1.0.1") && outcome.reason().contains(FaultyListener.FAILURE)
                        && outcome.reason().contains(FAULTY_COMPONENT));
        assertEquals("1.0.0", plugin.getVersion().toString());
        assertEquals(Bundle.ACTIVE, plugin.getState());
        await("all " + published + " readings received", () -> sink.count() >= published, sink::count);
        assertEquals("exactly 0.." + (published - 1) + ", in order, across the failed attempt", "",
                sink.problems(published));
        assertEquals(Result.ROLLED_BACK, lastOutcome(name).result());
        awaitLogged("INFO", "Plugin " + name + " update 1.0.0 -> 1.0.1 rolled back to 1.0.0: component "
                + FAULTY_COMPONENT + " failed to activate");
    }

    @Test
    public void updateWhoseListenerTheScopeRefusesIsRolledBackAndTheOldVersionKeepsReceiving() throws Exception {
        String name = "nl.regie.itests.sequence.overreach";
        SequenceSink sink = registerSequenceSink();
        installThroughLifecycle(name, "1.0.0", TestBundles.SEQUENCE_PACKAGE);

        Outcome outcome;
        long published;
        try (SequencePublisher publisher = SequencePublisher.start(bus, PER_SECOND / 5)) {
            await(SETTLE / 5 + " readings through 1.0.0", () -> sink.count() >= SETTLE / 5, sink::count);
            // 1.0.1's components all activate, but one of its listeners wants residents' addresses, outside its scope
            outcome = lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.HOSTILE_PACKAGE), ORIGIN);
            long atRollback = publisher.published();
            await(SETTLE / 5 + " more readings through 1.0.0 again", () -> sink.count() >= atRollback + SETTLE / 5,
                    sink::count);
            publisher.close();
            published = publisher.published();
        }

        assertEquals(outcome.toString(), Result.ROLLED_BACK, outcome.result());
        assertEquals("the previous version runs again", "1.0.0", outcome.toVersion());
        assertTrue("the reason says the scope refused 1.0.1's subscription: " + outcome.reason(),
                outcome.reason().contains(name + " 1.0.1 was refused for acting outside its declared scope")
                        && outcome.reason().contains("subscribe 1"));
        await("all " + published + " readings received", () -> sink.count() >= published, sink::count);
        assertEquals("exactly 0.." + (published - 1) + ", in order, across the refused attempt", "",
                sink.problems(published));
    }

    @Test
    public void updateWhoseHealthCheckThrowsIsRolledBackAtTheDeadline() throws Exception {
        setUpdateDeadline(2);
        try {
            String name = "nl.regie.itests.probe.sick";
            Bundle probe = installThroughLifecycle(name, "1.0.0", TestBundles.PROBE_PACKAGE);
            awaitSubscription(probe, "1.0.0");

            Outcome outcome = lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.SICK_PACKAGE), ORIGIN);

            assertEquals(outcome.toString(), Result.ROLLED_BACK, outcome.result());
            assertTrue(outcome.reason(), outcome.reason().contains("not healthy within 2 s")
                    && outcome.reason().contains(SickCheck.FAILURE));
            assertEquals("1.0.0", probe.getVersion().toString());
            assertProbeStillReceives(probe, "1.0.0", "itest-sick-1");
        } finally {
            setUpdateDeadline(null);
        }
    }

    @Test
    public void aPluginsOwnFailingHealthCheckShowsInTheRuntimesHealth() throws Exception {
        setUpdateDeadline(1);
        try {
            String name = "nl.regie.itests.probe.sick-alone";
            removeAfterTest(name);
            Outcome outcome = lifecycle.install(pluginJar(name, "1.0.0", TestBundles.SICK_PACKAGE), ORIGIN);
            assertEquals(outcome.toString(), Result.UNHEALTHY, outcome.result());

            URI health = URI.create(httpEndpoint()).resolve("/health");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            AtomicReference<HttpResponse<String>> response = new AtomicReference<>();
            await("GET /health names the plugin and what its check says", () -> {
                response.set(get(client, health));
                return response.get() != null && response.get().statusCode() == 200
                        && response.get().body().contains("DEGRADED") && response.get().body().contains(name)
                        && response.get().body().contains(SickCheck.FAILURE);
            }, () -> response.get() == null ? "no response" : response.get().body());
        } finally {
            setUpdateDeadline(null);
        }
    }

    @Test
    public void operatorRollsBackToThePreviousVersion() throws Exception {
        String name = "nl.regie.itests.probe.rollback";
        Bundle probe = installThroughLifecycle(name, "1.0.0", TestBundles.PROBE_PACKAGE);
        LifecycleException none = assertThrows(LifecycleException.class, () -> lifecycle.rollback(name, ORIGIN));
        assertEquals(LifecycleException.Reason.NO_PREVIOUS_VERSION, none.reason());
        assertTrue(none.getMessage(), none.getMessage().contains(name));

        assertEquals(Result.PROMOTED, lifecycle.update(name, pluginJar(name, "1.0.1", TestBundles.PROBE_PACKAGE), ORIGIN).result());
        PluginRecord updated = lifecycle.status(name).orElseThrow();
        assertEquals("1.0.1", updated.version());
        assertEquals("1.0.0", updated.previousVersion());
        assertTrue(updated.problems().toString(), updated.healthy());

        Outcome rolledBack = lifecycle.rollback(name, ORIGIN);

        assertEquals(rolledBack.toString(), Result.PROMOTED, rolledBack.result());
        assertEquals(Operation.ROLLBACK, rolledBack.operation());
        assertEquals("1.0.1", rolledBack.fromVersion());
        assertEquals("1.0.0", rolledBack.toVersion());
        assertEquals("1.0.0", probe.getVersion().toString());
        assertProbeStillReceives(probe, "1.0.0", "itest-rollback-1");
        assertEquals(3, lifecycle.history(name).size());
        awaitLogged("INFO", "Plugin " + name + " rolled back 1.0.1 -> 1.0.0 (promoted in");
    }

    private Outcome lastOutcome(String name) {
        PluginRecord record = lifecycle.status(name).orElseThrow();
        assertNotNull(record.lastOutcome());
        return record.lastOutcome();
    }

    /** Sets the lifecycle's update deadline (null: back to the default) and waits until the lifecycle has it. */
    private void setUpdateDeadline(Integer seconds) throws Exception {
        org.osgi.service.cm.Configuration configuration = configurationAdmin.getConfiguration("nl.regie.runtime.lifecycle", "?");
        if (seconds == null) {
            configuration.delete();
        } else {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("update.deadline.seconds", seconds);
            configuration.update(properties);
        }
        int expected = seconds == null ? 10 : seconds;
        await("the lifecycle's deadline is " + expected + " s", () -> {
            ServiceReference<PluginLifecycle> reference = context.getServiceReference(PluginLifecycle.class);
            return reference != null && Integer.valueOf(expected).equals(reference.getProperty("update.deadline.seconds"));
        }, () -> context.getServiceReference(PluginLifecycle.class).getProperty("update.deadline.seconds"));
    }
}
