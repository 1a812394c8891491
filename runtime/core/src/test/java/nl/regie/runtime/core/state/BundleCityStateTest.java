package nl.regie.runtime.core.state;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.EntityState;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.testing.RecordingAuditLog;
import nl.regie.runtime.testing.RecordingLogger;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BundleCityStateTest {

    private static final Location HERE = new Location(4.9, 52.37);

    private final RecordingLogger log = new RecordingLogger();
    /** Withholds the residents' names from plugins. */
    private final TestPolicy policy = new TestPolicy(r -> r.attribute().equals("ownerName") ? null : r);
    private final ScopeGuards scopes = new ScopeGuards(policy, new RecordingAuditLog(), log.logger(), 1,
            Clock.systemUTC());
    private final BusEngine bus = new BusEngine(BusSettings.defaults(), log.logger());
    private final CityStateComponent state = new CityStateComponent(bus, new Owner("nl.regie.runtime", "0.1.0", 1));
    private final Owner lighting = new Owner("nl.example.lighting", "2.0.0", 40);

    @AfterEach
    void close() {
        state.deactivate();
        bus.close();
    }

    @Test
    void aPluginSeesOnlyWhatItsScopeReadsAndThePolicyLetsThrough() {
        publish("Streetlight", "lamp-1", "powerState");
        publish("Streetlight", "lamp-1", "ownerName");
        publish("WasteContainer", "bin-1", "fillingLevel");
        await().atMost(Duration.ofSeconds(5)).until(() -> state.size() == 2);

        BundleCityState view = new BundleCityState(state, scopes.forPlugin(lighting,
                DeclaredScope.of(List.of("Streetlight/+/+"), List.of(), List.of())));

        EntityState lamp = view.entity(EntityId.of("Streetlight", "lamp-1")).orElseThrow();
        assertEquals(List.of("powerState"), List.copyOf(lamp.attributes().keySet()));
        assertEquals(HERE, lamp.location());
        assertTrue(view.entity(EntityId.of("WasteContainer", "bin-1")).isEmpty());
        assertEquals(1, view.all().size());
        assertEquals(1, view.size());
        assertEquals(List.of(), view.byType("WasteContainer"));
        assertEquals(1, view.near(HERE, 10, null).size());
    }

    @Test
    void theRuntimesOwnBundleSeesEverything() {
        publish("Streetlight", "lamp-1", "ownerName");
        await().atMost(Duration.ofSeconds(5)).until(() -> state.size() == 1);
        BundleCityState own = new BundleCityState(state, scopes.unrestricted());
        assertEquals(state.all(), own.all());
        assertEquals(List.of(), policy.viewsMade());
    }

    @Test
    void aPluginThatDeclaresNothingSeesNothing() {
        publish("Streetlight", "lamp-1", "powerState");
        await().atMost(Duration.ofSeconds(5)).until(() -> state.size() == 1);
        BundleCityState none = new BundleCityState(state, scopes.forPlugin(lighting, DeclaredScope.NOTHING));
        assertEquals(0, none.size());
        assertTrue(none.entity(EntityId.of("Streetlight", "lamp-1")).isEmpty());
    }

    private void publish(String type, String localId, String attribute) {
        bus.publish("device", Reading.of(EntityId.of(type, localId), attribute, Value.of("x"), "", "device")
                .withLocation(HERE));
    }
}
