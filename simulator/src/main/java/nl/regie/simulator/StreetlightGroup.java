package nl.regie.simulator;

import java.util.List;
import java.util.Map;

/**
 * A group controller for the streetlights along one street ({@code StreetlightGroup}): it takes {@code dim} and
 * {@code switch} for the whole group and applies them to every member, and reports the group's
 * {@code powerState} ("on" while any lamp is on), its mean {@code illuminanceLevel} ({@code /}) and the total
 * {@code powerConsumption} of its lamps ({@code W}). Its members report on their own entities as well.
 */
final class StreetlightGroup extends SimDevice {

    private final List<Streetlight> members;

    StreetlightGroup(String id, double lon, double lat, long seed, List<Streetlight> members) {
        super(id, STREETLIGHT_GROUP, lon, lat, seed);
        this.members = List.copyOf(members);
    }

    @Override
    String type() {
        return STREETLIGHT_GROUP;
    }

    /** Its lamps. */
    List<Streetlight> members() {
        return members;
    }

    @Override
    List<? extends SimDevice> affectedBy() {
        return members;
    }

    @Override
    void advanceTo(long millis) {
        for (Streetlight lamp : members) {
            lamp.advanceTo(millis);
        }
    }

    @Override
    SenmlPack telemetry(long millis) {
        boolean anyOn = false;
        double level = 0;
        double watts = 0;
        for (Streetlight lamp : members) {
            anyOn |= lamp.on();
            level += lamp.illuminanceLevel();
            watts += lamp.powerConsumption(millis);
        }
        return new SenmlPack(entity(), millis)
                .text("powerState", anyOn ? "on" : "off")
                .number("illuminanceLevel", "/", members.isEmpty() ? 0 : level / members.size(), 2)
                .number("powerConsumption", "W", watts, 1);
    }

    @Override
    Outcome execute(String action, Map<String, Object> parameters, long millis) {
        return Streetlight.command(members, "a streetlight group", action, parameters, millis);
    }
}
