package nl.regie.waste;

import static nl.regie.waste.Fakes.T0;
import static nl.regie.waste.Fakes.config;
import static nl.regie.waste.Fakes.level;
import static nl.regie.waste.Fakes.temperature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import nl.regie.api.alert.Alert;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.Reading;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new version of the plugin (a new component instance on the same runtime) takes over what the old one concluded,
 * from what the runtime kept: its fire alerts ({@code Alerts.own}) and its {@code full} and {@code status} values
 * ({@code CityState.own}); on the test kit, with the plugin's declared scope.
 */
class UpdateTakeoverTest {

    private final RegieTestKit kit = RegieTestKit.forPlugin(WastePlugin.PID);

    @AfterEach
    void close() {
        kit.close();
    }

    private Subscription start() {
        WastePlugin plugin = new WastePlugin(kit.bus(), kit.alerts(), kit.cityState(), kit.log().logger(),
                config(Map.of()), Fakes.scheduler(kit), () -> T0.toEpochMilli());
        return kit.listen(plugin);
    }

    @Test
    void theNextVersionResolvesTheFireItsPredecessorRaisedAndRepublishesNothingUnchanged() {
        Subscription old = start();
        kit.publish(level("bin-1", 0.9, T0));
        kit.publish(temperature("bin-1", 15, T0));
        kit.publish(temperature("bin-1", 75, T0.plusSeconds(60)));
        kit.settle();
        assertEquals(List.of("fire-bin-1"), kit.alerts().own().stream().map(Alert::key).toList());
        old.close();
        int before = kit.published("WasteContainer/+/+").size();

        start(); // the update: the old component is gone, the runtime kept its alerts and values
        kit.publish(level("bin-1", 0.92, T0.plusSeconds(120)));
        kit.publish(temperature("bin-1", 30, T0.plusSeconds(600)));
        kit.settle();

        assertEquals(List.of(), kit.alerts().own(), "resolved by the version that took it over");
        List<Reading> after = kit.published("WasteContainer/+/+");
        assertEquals(List.of("WasteContainer/bin-1/status=ok"), after.subList(before, after.size()).stream()
                .map(r -> r.topic() + "=" + r.value().asObject()).toList(), "still full: not published again");
    }
}
