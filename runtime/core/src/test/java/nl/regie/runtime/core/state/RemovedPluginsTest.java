package nl.regie.runtime.core.state;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Set;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The values of an uninstalled plugin stay in the city state, and the state says they are stale. */
class RemovedPluginsTest {

    private final RecordingLogger log = new RecordingLogger();
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final CityStateComponent state = new CityStateComponent(bus, new Owner("nl.regie.runtime", "0.1.0", 1));

    @AfterEach
    void close() {
        state.deactivate();
        bus.close();
    }

    @Test
    void anUninstalledPluginsValuesStayAndAreStaleUntilItIsInstalledAgain() {
        EntityId bin = EntityId.of("WasteContainer", "bin-1");
        bus.publish("nl.regie.waste", Reading.of(bin, "full", Value.of(true), "", "nl.regie.waste"));
        await().atMost(Duration.ofSeconds(5)).until(() -> state.entity(bin).isPresent());
        assertEquals(Set.of(), state.removedPlugins());

        state.pluginRemoved("nl.regie.waste");
        assertEquals(Set.of("nl.regie.waste"), state.removedPlugins());
        assertEquals(Value.of(true), state.entity(bin).orElseThrow().attribute("full").orElseThrow().value(),
                "the last value stays");

        state.pluginInstalled("nl.regie.waste");
        assertEquals(Set.of(), state.removedPlugins());
    }
}
