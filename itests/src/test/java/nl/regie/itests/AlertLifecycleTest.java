package nl.regie.itests;

import static nl.regie.itests.Eventually.await;
import static nl.regie.itests.Eventually.holdsFor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;
import nl.regie.api.state.AttributeState;
import nl.regie.api.state.CityState;
import nl.regie.itests.plugin.alerting.AlertingPlugin;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Alerts through the bundle-scoped {@link Alerts} service: the source is the raising plugin, an update keeps its
 * alert, and uninstalling it resolves the alert (published on the bus, so the city state shows it too).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AlertLifecycleTest extends RegieTestSupport {

    private static final String PLUGIN = "nl.regie.itests.alerting";
    private static final EntityId ALERT = EntityId.of(Alert.ENTITY_TYPE, AlertingPlugin.KEY);

    /** The probe's own view: enough to list every plugin's active alerts. */
    @Inject
    private Alerts alerts;

    @Inject
    private CityState cityState;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void aPluginsAlertIsItsOwnAndIsResolvedWhenThePluginIsUninstalled() throws Exception {
        Bundle plugin = installPlugin(PLUGIN, "1.0.0", TestBundles.ALERTING_PACKAGE);

        await("the plugin's alert is active", () -> activeAlert().isPresent(), alerts::active);
        Alert raised = activeAlert().orElseThrow();
        assertEquals(PLUGIN, raised.source());
        await("the alert in the city state", () -> attribute("active").map(a -> a.value().equals(Value.of(true)))
                .orElse(false), () -> cityState.entity(ALERT));
        assertEquals(PLUGIN, attribute("severity").orElseThrow().source());
        assertEquals(Value.of("high"), attribute("severity").orElseThrow().value());

        plugin.update(TestBundles.plugin(PLUGIN, "1.0.1", TestBundles.ALERTING_PACKAGE));
        Instant validFrom = raised.validFrom();
        holdsFor("an update keeps the alert as it was raised", Duration.ofMillis(500),
                () -> activeAlert().map(a -> a.validFrom().equals(validFrom)).orElse(false), alerts::active);

        plugin.uninstall();

        await("the alert is resolved", () -> activeAlert().isEmpty(), alerts::active);
        await("the city state shows it resolved", () -> attribute("active").map(a -> a.value().equals(Value.of(false)))
                .orElse(false), () -> cityState.entity(ALERT));
        AttributeState validTo = attribute("validTo").orElseThrow();
        assertEquals(PLUGIN, validTo.source());
        assertNotEquals("a resolved alert has its end time", Value.of(""), validTo.value());
    }

    private Optional<Alert> activeAlert() {
        return alerts.active().stream().filter(a -> a.key().equals(AlertingPlugin.KEY)).findFirst();
    }

    private Optional<AttributeState> attribute(String name) {
        return cityState.entity(ALERT).flatMap(e -> e.attribute(name));
    }
}
