package nl.regie.simulator;

import static nl.regie.simulator.Patterns.MINUTE;

import java.util.List;
import java.util.Map;

/**
 * An LED streetlight with a controller ({@code Streetlight}: {@code powerState} "on"/"off",
 * {@code illuminanceLevel} as a ratio 0..1, unit {@code /}; {@code powerConsumption} in {@code W}).
 *
 * <p>Its photocell switches it on at full level when dusk falls (the sun more than 3 degrees below the horizon)
 * and off at dawn; commands change it in between, and last until the next dusk or dawn. It takes the commands
 * {@code dim} ({@code level}, 0..1; 0 switches it off) and {@code switch} ({@code on}, true or false). It draws
 * its rated power (40 to 100 W) times 8% + 92% of its level while on, nothing while off. A failed lamp does
 * everything the same except that it draws no power: on, but 0 W.
 */
final class Streetlight extends SimDevice {

    private final int ratedWatts;
    private final boolean failed;
    private boolean on;
    private double level = 1.0;
    private boolean dark;

    Streetlight(String id, double lon, double lat, long seed, long origin, int ratedWatts, boolean failed) {
        super(id, STREETLIGHT, lon, lat, seed);
        this.ratedWatts = ratedWatts;
        this.failed = failed;
        this.dark = Sun.dark(lon, lat, origin);
        this.on = dark;
    }

    @Override
    String type() {
        return STREETLIGHT;
    }

    @Override
    void advanceTo(long millis) {
        boolean nowDark = Sun.dark(lon(), lat(), millis);
        if (nowDark != dark) {
            dark = nowDark;
            on = nowDark;
            if (on && level == 0) {
                level = 1.0;
            }
        }
    }

    @Override
    SenmlPack telemetry(long millis) {
        return new SenmlPack(entity(), millis)
                .text("powerState", on ? "on" : "off")
                .number("illuminanceLevel", "/", illuminanceLevel(), 2)
                .number("powerConsumption", "W", powerConsumption(millis), 1);
    }

    @Override
    Outcome execute(String action, Map<String, Object> parameters, long millis) {
        return command(List.of(this), "a streetlight", action, parameters, millis);
    }

    /** Whether it is switched on (the failed lamp says so too, while it draws nothing). */
    boolean on() {
        return on;
    }

    /** The dim level it reports: its level while on, 0 while off. */
    double illuminanceLevel() {
        return on ? level : 0.0;
    }

    /** What its power meter reads at {@code millis}, W. */
    double powerConsumption(long millis) {
        if (!on || failed) {
            return 0.0;
        }
        return ratedWatts * (0.08 + 0.92 * level) * (1 + 0.01 * Patterns.smoothNoise(seed, millis, 10 * MINUTE));
    }

    /** Whether this is the failed lamp. */
    boolean failed() {
        return failed;
    }

    int ratedWatts() {
        return ratedWatts;
    }

    /**
     * Carries out {@code dim} or {@code switch} on {@code lamps} (one lamp, or a group's members), all or none:
     * a bad parameter rejects the command before any lamp changes.
     */
    static Outcome command(List<Streetlight> lamps, String what, String action, Map<String, Object> parameters, long millis) {
        switch (action) {
            case "dim" -> {
                if (!(parameters.get("level") instanceof Double level) || level < 0 || level > 1) {
                    return Outcome.rejected("dim needs the parameter \"level\", a number from 0 to 1");
                }
                for (Streetlight lamp : lamps) {
                    lamp.advanceTo(millis);
                    lamp.level = level;
                    lamp.on = level > 0;
                }
                return Outcome.COMPLETED;
            }
            case "switch" -> {
                if (!(parameters.get("on") instanceof Boolean on)) {
                    return Outcome.rejected("switch needs the parameter \"on\", true or false");
                }
                for (Streetlight lamp : lamps) {
                    lamp.advanceTo(millis);
                    lamp.on = on;
                    if (on && lamp.level == 0) {
                        lamp.level = 1.0;
                    }
                }
                return Outcome.COMPLETED;
            }
            default -> {
                return Outcome.rejected("unknown action \"" + action + "\": " + what + " takes dim and switch");
            }
        }
    }
}
