package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import javax.inject.Inject;

import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.state.CityState;
import nl.regie.itests.plugin.echo.EchoPlugin;
import nl.regie.itests.plugin.hostile.HostilePlugin;
import nl.regie.itests.plugin.hostile.PersonalDataListener;
import nl.regie.itests.plugin.undeclared.UndeclaredPlugin;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The declared scope on a running framework: a hostile plugin's attempts outside its scope are refused and audited
 * while a well-behaved plugin next to it keeps receiving and publishing, and a plugin that declares nothing gets
 * nothing. The audit log is read the way an operator reads it, over HTTP.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostilePluginTest extends RegieTestSupport {

    private static final String HOSTILE = HostilePlugin.NAME;
    private static final String ECHO = EchoPlugin.NAME;
    private static final String UNDECLARED = UndeclaredPlugin.NAME;

    private final HttpClient http = HttpClient.newHttpClient();

    /** The probe's own view of the city state: it declares every topic, so it sees every entity. */
    @Inject
    private CityState cityState;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void aHostilePluginIsRefusedAndAuditedWhileTheOthersCarryOn() throws Exception {
        Bundle echo = installPlugin(ECHO, "1.0.0", TestBundles.ECHO_PACKAGE);
        Bundle hostile = installPlugin(HOSTILE, "1.0.0", TestBundles.HOSTILE_PACKAGE);
        Queue<String> echoed = new ConcurrentLinkedQueue<>();
        Subscription percentages = bus.subscribe("WasteContainer/+/fillingPercent",
                r -> echoed.add(r.entity().localId() + "@" + r.source()));
        try {
            awaitSubscription(echo, "1.0.0");
            awaitSubscription(hostile, "1.0.0");
            bus.publish(fillingLevel("scope-1", 0.4));
            await("the echo plugin republished scope-1", () -> echoed.contains("scope-1@" + ECHO), echoed::toString);

            Function<String, String> attempts = roleService(hostile, "hostile");
            String plugin = "plugin " + HOSTILE + " 1.0.0 may not ";
            assertStartsWith(plugin + "publish Streetlight/lamp-1/powerState: the topic is outside its declared scope",
                    "refused: ", attempts.apply("publish-outside"));
            assertStartsWith(plugin + "publish WasteContainer/bin-h/fillingNote: its source 'nl.regie.waste' is not",
                    "refused: ", attempts.apply("publish-as-another"));
            assertStartsWith(plugin + "subscribe Resident/+/homeAddress: the filter is not covered",
                    "refused: ", attempts.apply("subscribe-personal"));
            assertStartsWith(plugin + "actuate entity type Streetlight", "REJECTED: ", attempts.apply("command-foreign"));
            assertEquals("within its scope the hostile plugin may publish", "done", attempts.apply("publish-inside"));

            // Its whiteboard listener for residents' addresses was never subscribed; the one in scope is.
            List<List<String>> filters = subscriptionsOf(hostile).stream().map(SubscriberInfo::topicFilters).toList();
            assertEquals(List.of(List.of("WasteContainer/+/fillingLevel")), filters);

            // The well-behaved plugin is unaffected: it still receives and publishes.
            bus.publish(fillingLevel("scope-2", 0.6));
            await("the echo plugin republished scope-2", () -> echoed.contains("scope-2@" + ECHO), echoed::toString);

            String audit = awaitAudit(http, "kind=scope&actor=" + HOSTILE, "Streetlight/lamp-1/powerState",
                    "WasteContainer/bin-h/fillingNote", PersonalDataListener.TOPIC_FILTER,
                    "urn:ngsi-ld:Streetlight:lamp-1");
            assertTrue(audit, audit.contains("denied"));
            awaitAudit(http, "kind=command&actor=" + HOSTILE, "REJECTED", "urn:ngsi-ld:Streetlight:lamp-1");
        } finally {
            percentages.close();
        }
    }

    @Test
    public void aPluginThatDeclaresNothingGetsNothing() throws Exception {
        Bundle undeclared = installPlugin(UNDECLARED, "1.0.0", TestBundles.UNDECLARED_PACKAGE);
        Function<String, String> attempts = roleService(undeclared, "undeclared");
        bus.publish(fillingLevel("scope-3", 0.5));
        await("the city state holds scope-3", () -> cityState.entity(EntityId.of("WasteContainer", "scope-3")).isPresent(),
                () -> cityState.all());

        String plugin = "plugin " + UNDECLARED + " 1.0.0 may not ";
        assertStartsWith(plugin + "publish WasteContainer/bin-u/fillingLevel", "refused: ", attempts.apply("publish"));
        assertStartsWith(plugin + "subscribe WasteContainer/bin-u/fillingLevel", "refused: ",
                attempts.apply("subscribe"));
        assertStartsWith(plugin + "actuate entity type WasteContainer", "REJECTED: ", attempts.apply("command"));
        assertEquals("it sees no entity in the city state", "0", attempts.apply("entities"));
        assertEquals("its whiteboard listener is not subscribed", List.of(), subscriptionsOf(undeclared));
        awaitAudit(http, "kind=scope&actor=" + UNDECLARED, "WasteContainer/bin-u/fillingLevel",
                "WasteContainer/+/fillingLevel", "urn:ngsi-ld:WasteContainer:bin-u");
    }

    private static void assertStartsWith(String expected, String prefix, String actual) {
        assertTrue("expected '" + prefix + expected + "...' but was '" + actual + "'",
                actual.startsWith(prefix + expected));
    }
}
