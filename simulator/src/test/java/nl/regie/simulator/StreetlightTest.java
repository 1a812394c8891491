package nl.regie.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StreetlightTest {

    /** Monday 22 June 2026, 01:00 in Amsterdam: night. */
    private static final long NIGHT = Times.local("2026-06-22T01:00");
    /** The same day, 14:00: day. */
    private static final long DAYTIME = Times.local("2026-06-22T14:00");

    private static Streetlight lamp(boolean failed, long origin) {
        return new Streetlight(failed ? "lamp-002" : "lamp-001", 4.89, 52.37, 17, origin, 100, failed);
    }

    private static SimDevice.Outcome dim(SimDevice device, double level, long at) {
        return device.execute("dim", Map.of("level", level), at);
    }

    @Test
    void thePhotocellSwitchesOnAtDuskAndOffAtDawn() {
        Streetlight lamp = lamp(false, DAYTIME);
        assertFalse(lamp.on());
        assertEquals(0.0, lamp.powerConsumption(DAYTIME));
        long evening = Times.local("2026-06-22T23:30");
        lamp.advanceTo(evening);
        assertTrue(lamp.on());
        assertEquals(1.0, lamp.illuminanceLevel());
        assertEquals(100, lamp.powerConsumption(evening), 3);

        // A command lasts until the next dawn.
        assertTrue(dim(lamp, 0.4, evening).completed());
        long lateNight = Times.local("2026-06-23T02:00");
        lamp.advanceTo(lateNight);
        assertEquals(0.4, lamp.illuminanceLevel());
        long morning = Times.local("2026-06-23T06:30");
        lamp.advanceTo(morning);
        assertFalse(lamp.on());
        assertEquals(0.0, lamp.powerConsumption(morning));
    }

    @Test
    void dimmingChangesThePowerDrawn() {
        Streetlight lamp = lamp(false, NIGHT);
        assertTrue(lamp.on());
        double full = lamp.powerConsumption(NIGHT);
        assertTrue(dim(lamp, 0.3, NIGHT).completed());
        double dimmed = lamp.powerConsumption(NIGHT);
        assertEquals(0.3, lamp.illuminanceLevel());
        assertEquals(100 * (0.08 + 0.92 * 0.3), dimmed, 100 * 0.03);
        assertTrue(dimmed < full / 2, full + " W -> " + dimmed + " W");

        assertTrue(dim(lamp, 0.0, NIGHT).completed());
        assertFalse(lamp.on(), "dimming to 0 switches off");
        assertEquals(0.0, lamp.powerConsumption(NIGHT));

        assertTrue(lamp.execute("switch", Map.of("on", true), NIGHT).completed());
        assertTrue(lamp.on());
        assertEquals(1.0, lamp.illuminanceLevel(), "switched on from 0, it comes on at full level");
        assertTrue(lamp.execute("switch", Map.of("on", false), NIGHT).completed());
        assertFalse(lamp.on());
    }

    @Test
    void theFailedLampIsOnButDrawsNothing() {
        Streetlight lamp = lamp(true, DAYTIME);
        assertTrue(lamp.execute("switch", Map.of("on", true), DAYTIME).completed(), "its controller still answers");
        assertTrue(lamp.on());
        assertEquals(1.0, lamp.illuminanceLevel());
        assertEquals(0.0, lamp.powerConsumption(DAYTIME));
        assertTrue(dim(lamp, 0.7, DAYTIME).completed());
        assertEquals(0.0, lamp.powerConsumption(DAYTIME));

        var records = SenmlCheck.check(lamp.telemetry(DAYTIME).toJson(), lamp.entity());
        assertEquals("on", records.get("powerState").value());
        assertEquals(0.0, records.get("powerConsumption").value());
        assertEquals(0.7, records.get("illuminanceLevel").value());
    }

    @Test
    void badCommandsAreRejectedWithAReasonAndChangeNothing() {
        Streetlight lamp = lamp(false, NIGHT);
        assertTrue(dim(lamp, 0.5, NIGHT).completed());

        SimDevice.Outcome tooBright = dim(lamp, 1.5, NIGHT);
        assertEquals("rejected", tooBright.status());
        assertTrue(tooBright.reason().contains("level"), tooBright.reason());
        assertEquals("rejected", lamp.execute("dim", Map.of(), NIGHT).status());
        assertEquals("rejected", lamp.execute("dim", Map.of("level", "high"), NIGHT).status());
        assertEquals("rejected", lamp.execute("switch", Map.of("on", "yes"), NIGHT).status());
        SimDevice.Outcome blink = lamp.execute("blink", Map.of(), NIGHT);
        assertEquals("rejected", blink.status());
        assertTrue(blink.reason().contains("blink") && blink.reason().contains("dim"), blink.reason());

        assertTrue(lamp.on());
        assertEquals(0.5, lamp.illuminanceLevel());
        assertEquals("{\"status\":\"rejected\",\"reason\":\"" + blink.reason().replace("\"", "\\\"") + "\"}", blink.toJson());
        assertEquals("{\"status\":\"completed\"}", SimDevice.Outcome.COMPLETED.toJson());
    }

    @Test
    void aGroupCommandReachesEveryLamp() {
        List<Streetlight> lamps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lamps.add(new Streetlight("lamp-00" + (i + 1), 4.89 + i * 0.0005, 52.37, i, NIGHT, 60, i == 2));
        }
        StreetlightGroup group = new StreetlightGroup("lampgroup-01", 4.89, 52.37, 99, lamps);
        assertEquals(lamps, group.affectedBy());

        assertTrue(dim(group, 0.5, NIGHT).completed());
        for (Streetlight lamp : lamps) {
            assertEquals(0.5, lamp.illuminanceLevel());
        }
        var records = SenmlCheck.check(group.telemetry(NIGHT).toJson(), group.entity());
        assertEquals("on", records.get("powerState").value());
        assertEquals(0.5, records.get("illuminanceLevel").value());
        double expected = lamps.stream().mapToDouble(l -> l.powerConsumption(NIGHT)).sum();
        assertEquals(expected, (Double) records.get("powerConsumption").value(), 0.1);
        assertEquals(4 * 60 * (0.08 + 0.92 * 0.5), expected, 4 * 60 * 0.03, "four lamps draw, the failed one not");

        assertEquals("rejected", dim(group, -1, NIGHT).status());
        assertEquals(0.5, lamps.get(0).illuminanceLevel(), "a rejected group command changes no lamp");

        assertTrue(group.execute("switch", Map.of("on", false), NIGHT).completed());
        assertTrue(lamps.stream().noneMatch(Streetlight::on));
        records = SenmlCheck.check(group.telemetry(NIGHT).toJson(), group.entity());
        assertEquals("off", records.get("powerState").value());
        assertEquals(0.0, records.get("powerConsumption").value());
    }

    @Test
    void otherDevicesTakeNoCommands() {
        WasteBin bin = new WasteBin("bin-001", 4.89, 52.37, 1, NIGHT);
        SimDevice.Outcome outcome = bin.execute("dim", Map.of("level", 0.5), NIGHT);
        assertEquals("rejected", outcome.status());
        assertTrue(outcome.reason().contains("WasteContainer"));
    }

    @Test
    void ratedPowerIsPlausible() {
        City city = City.build(300, 1, NIGHT);
        for (SimDevice device : city.devices()) {
            if (device instanceof Streetlight lamp) {
                assertTrue(lamp.ratedWatts() >= 40 && lamp.ratedWatts() <= 100);
            }
        }
    }
}
