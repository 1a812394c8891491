package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class CityTest {

    private static final Pattern LOCAL_ID = Pattern.compile("[a-z]+-[0-9]{2,5}");

    @Test
    void theMixAddsUpAndHasEveryKindFromSixDevices() {
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 12, 50, 120, 999, 1000, 10_000}) {
            Map<City.Kind, Integer> mix = City.mix(n);
            assertEquals(n, mix.values().stream().mapToInt(Integer::intValue).sum(), "n=" + n);
            for (City.Kind kind : City.Kind.values()) {
                int expected = n >= 6 || kind.ordinal() < n ? 1 : 0;
                assertTrue(mix.get(kind) >= expected, n + " devices: " + mix);
            }
        }
        Map<City.Kind, Integer> city = City.mix(120);
        assertEquals(46, city.get(City.Kind.BIN));
        assertEquals(41, city.get(City.Kind.LAMP));
        assertEquals(3, city.get(City.Kind.GROUP));
        assertEquals(10, city.get(City.Kind.CROWD));
        assertEquals(14, city.get(City.Kind.TRAFFIC));
        assertEquals(6, city.get(City.Kind.GAUGE));
    }

    @Test
    void theDefaultCityDescribesItself() {
        City city = City.build(120, 2026, Times.MONDAY_JUNE);
        assertEquals("46 bins, 41 streetlights in 3 groups, 10 crowd counters, 14 traffic counters, 6 water gauges",
                city.describe());
        assertEquals("1 bin", City.build(1, 1, Times.MONDAY_JUNE).describe());
    }

    @Test
    void everyDeviceIsInTheCentreWithAUniqueValidId() {
        City city = City.build(1000, 7, Times.MONDAY_JUNE);
        Set<String> ids = new HashSet<>();
        for (SimDevice device : city.devices()) {
            assertTrue(ids.add(device.id()), "duplicate " + device.id());
            assertTrue(LOCAL_ID.matcher(device.id()).matches(), device.id());
            assertEquals("urn:ngsi-ld:" + device.type() + ":" + device.id(), device.entity());
            assertTrue(device.lon() >= City.WEST && device.lon() <= City.EAST, device.id() + " lon " + device.lon());
            assertTrue(device.lat() >= City.SOUTH && device.lat() <= City.NORTH, device.id() + " lat " + device.lat());
        }
        assertEquals(1000, ids.size());
    }

    @Test
    void theSameSeedMakesTheSameCity() {
        List<String> a = fingerprint(City.build(200, 42, Times.MONDAY_JUNE));
        List<String> b = fingerprint(City.build(200, 42, Times.MONDAY_JUNE));
        List<String> c = fingerprint(City.build(200, 43, Times.MONDAY_JUNE));
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void oneFailedLampAndEveryLampInOneGroup() {
        for (int n : new int[] {6, 120, 5000}) {
            City city = City.build(n, 5, Times.MONDAY_JUNE);
            List<Streetlight> lamps = new ArrayList<>();
            List<Streetlight> grouped = new ArrayList<>();
            for (SimDevice device : city.devices()) {
                if (device instanceof Streetlight lamp) {
                    lamps.add(lamp);
                } else if (device instanceof StreetlightGroup group) {
                    grouped.addAll(group.members());
                }
            }
            assertEquals(1, lamps.stream().filter(Streetlight::failed).count(), n + " devices");
            assertEquals(lamps.size(), grouped.size());
            assertEquals(new HashSet<>(lamps), new HashSet<>(grouped));
        }
    }

    @Test
    void namedPlacesComeFirst() {
        City city = City.build(120, 2026, Times.MONDAY_JUNE);
        CrowdCounter dam = (CrowdCounter) byId(city, "crowd-001");
        assertTrue(dam.eventZone());
        assertEquals(4.8925, dam.lon(), 1e-9);
        assertEquals(1, city.devices().stream().filter(d -> d instanceof CrowdCounter c && c.eventZone()).count());
        WaterGauge amstel = (WaterGauge) byId(city, "gauge-01");
        assertTrue(amstel.rising());
        assertEquals(1, city.devices().stream().filter(d -> d instanceof WaterGauge g && g.rising()).count());
    }

    @Test
    void tenThousandDevicesTakeLittleMemory() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = settledHeap(memory);
        City city = City.build(10_000, 1, Times.MONDAY_JUNE);
        long after = settledHeap(memory);
        assertEquals(10_000, city.devices().size());
        long megabytes = (after - before) / (1024 * 1024);
        assertTrue(megabytes < 20, "10,000 devices took " + megabytes + " MB");
    }

    private static long settledHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static SimDevice byId(City city, String id) {
        return city.devices().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<String> fingerprint(City city) {
        List<String> prints = new ArrayList<>();
        for (SimDevice device : city.devices()) {
            prints.add(device.id() + "@" + device.lon() + "," + device.lat() + ":" + device.telemetry(Times.MONDAY_JUNE).toJson());
        }
        return prints;
    }
}
