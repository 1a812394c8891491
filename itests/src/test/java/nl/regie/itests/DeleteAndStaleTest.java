package nl.regie.itests;

import static nl.regie.itests.Eventually.await;
import static nl.regie.itests.Eventually.holdsFor;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.Set;

import javax.inject.Inject;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.state.EntityState;
import nl.regie.itests.plugin.deleting.RouteKeeper;
import nl.regie.runtime.spi.state.FullCityState;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * A plugin deletes through its bundle-scoped bus, in a real framework: its own route goes from the city state, one
 * attribute of another, and what is not its own (another's route, a bin's level outside its scope) is refused with
 * the specific exception. An update marks nothing; uninstalling it marks what it alone published stale.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeleteAndStaleTest extends RegieTestSupport {

    /** The plugin's routes and another's, as {@link RouteKeeper} names them (its classes stay in its bundle). */
    private static final EntityId FIRST = EntityId.of("WasteCollectionRoute", "it-1");
    private static final EntityId SECOND = EntityId.of("WasteCollectionRoute", "it-2");
    private static final EntityId OTHERS = EntityId.of("WasteCollectionRoute", "it-3");

    @Inject
    private FullCityState cityState;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options();
    }

    @Test
    public void aPluginDeletesWhatItOwnsAndWhatItLeavesIsMarkedStaleWhenItIsUninstalled() throws Exception {
        Bundle plugin = installPlugin(RouteKeeper.NAME, "1.0.0", TestBundles.DELETING_PACKAGE);
        await("the plugin's routes", () -> attributes(FIRST).size() == 2
                && attributes(SECOND).size() == 2, cityState::all);
        bus.publish(Reading.of(OTHERS, "stops", Value.of(9), "count", SOURCE));
        await("another's route", () -> !attributes(OTHERS).isEmpty(), cityState::all);

        bus.publish(fillingLevel("bin-delete-1", 0.5));

        await("the deletions and refusals", () -> attributes(SECOND).equals(Set.of("stops", "refusal",
                "outside")) && cityState.entity(FIRST).isEmpty(), cityState::all);
        assertEquals(Value.of("NotOwnerException"), value(SECOND, "refusal"));
        assertEquals(Value.of("SecurityException"), value(SECOND, "outside"));
        assertEquals(Set.of("stops"), attributes(OTHERS));
        assertEquals(Set.of("fillingLevel"), attributes(EntityId.of("WasteContainer", "bin-delete-1")));

        plugin.update(TestBundles.plugin(RouteKeeper.NAME, "1.0.1", TestBundles.DELETING_PACKAGE));
        holdsFor("an update marks nothing stale", Duration.ofMillis(500),
                () -> cityState.staleAttributes(SECOND).isEmpty(), cityState::all);

        plugin.uninstall();

        await("what it alone published is stale", () -> cityState.staleAttributes(SECOND)
                .equals(Set.of("stops", "length", "refusal", "outside")), () -> cityState.staleAttributes(SECOND));
        assertEquals("the first route, published again by the new version, is stale too",
                Set.of("stops", "length"), cityState.staleAttributes(FIRST));
        assertEquals(Set.of(), cityState.staleAttributes(OTHERS));
        assertEquals(Set.of(), cityState.staleAttributes(EntityId.of("WasteContainer", "bin-delete-1")));
    }

    private Set<String> attributes(EntityId id) {
        return cityState.entity(id).map(EntityState::attributes).map(a -> Set.copyOf(a.keySet())).orElse(Set.of());
    }

    private Value value(EntityId id, String attribute) {
        return cityState.entity(id).orElseThrow().attribute(attribute).orElseThrow().value();
    }
}
