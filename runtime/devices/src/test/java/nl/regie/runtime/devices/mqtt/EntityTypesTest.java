package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

class EntityTypesTest {

    private final RecordingLogger log = new RecordingLogger();
    private final EntityTypes types = new EntityTypes(log.logger());

    @Test
    void theListenerHearsOfKnownTypesAtOnceAndOfEachNewOneOnce() {
        types.learn("Streetlight");
        types.learn("WasteContainer");
        types.learn("Streetlight");
        List<String> heard = new ArrayList<>();
        types.onNew(heard::add);
        assertEquals(Set.of("Streetlight", "WasteContainer"), Set.copyOf(heard));
        assertEquals(2, heard.size());

        types.learn("WaterObserved");
        types.learn("WasteContainer");
        types.learn("WaterObserved");
        assertEquals("WaterObserved", heard.get(2));
        assertEquals(3, heard.size());
        assertEquals(Set.of("Streetlight", "WasteContainer", "WaterObserved"), types.all());
    }

    @Test
    void typesLearnedBeforeAnyListenerAreKept() {
        types.learn("Streetlight");
        assertEquals(Set.of("Streetlight"), types.all());
    }

    @Test
    void aListenerThatThrowsIsLoggedAndTheTypeStaysKnown() {
        List<String> heard = new ArrayList<>();
        types.onNew(type -> {
            heard.add(type);
            if (type.equals("Broken")) {
                throw new IllegalStateException("cannot register");
            }
        });
        types.learn("Broken");
        types.learn("Streetlight");
        types.learn("Broken");
        assertEquals(List.of("Broken", "Streetlight"), heard);
        assertEquals(Set.of("Broken", "Streetlight"), types.all());
        assertEquals(List.of("Could not offer MQTT actuation for entity type Broken"), log.messages("error"));
        assertInstanceOf(IllegalStateException.class, log.entries().get(0).exception());
    }
}
