package nl.regie.runtime.spi.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DeviceDirectoryTest {

    private static final String CHARACTERS = "aZ09:._-!é /\u0000\ud800~";

    @Test
    void aDeviceIdIsValidExactlyWhenItsPatternMatches() {
        List<String> ids = new ArrayList<>(List.of("", "bin-001", "urn:dev:mac:0024befffe804ff1", "a".repeat(128),
                "a".repeat(129), "x".repeat(127) + "!"));
        for (char a : CHARACTERS.toCharArray()) {
            ids.add(String.valueOf(a));
            for (char b : CHARACTERS.toCharArray()) {
                ids.add("" + a + b);
                for (char c : CHARACTERS.toCharArray()) {
                    ids.add("" + a + b + c);
                }
            }
        }
        for (String id : ids) {
            assertEquals(DeviceDirectory.DeviceIds.DEVICE_ID.matcher(id).matches(), DeviceDirectory.isDeviceId(id), id);
        }
        assertFalse(DeviceDirectory.isDeviceId(null));
        assertTrue(DeviceDirectory.deviceIdProblem("bin 1").orElseThrow().startsWith("device id 'bin 1' must be"));
    }
}
