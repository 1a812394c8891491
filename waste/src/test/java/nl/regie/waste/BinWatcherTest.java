package nl.regie.waste;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

class BinWatcherTest {

    private static Logger silentLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> null);
    }

    @Test
    void keepsTheLatestValuePerTopic() {
        BinWatcher watcher = new BinWatcher(silentLogger());
        EntityId bin = EntityId.of("WasteContainer", "bin-1");
        watcher.onReading(Reading.of(bin, "fillingLevel", Value.of(0.4), "/", "sim"));
        watcher.onReading(Reading.of(bin, "fillingLevel", Value.of(0.5), "/", "sim"));

        assertEquals(Value.of(0.5), watcher.latest("WasteContainer/bin-1/fillingLevel").orElseThrow());
        assertTrue(watcher.latest("WasteContainer/bin-1/temperature").isEmpty());
    }
}
