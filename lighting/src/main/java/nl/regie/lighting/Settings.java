package nl.regie.lighting;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lighting plugin's settings, checked: what the configuration {@code nl.regie.lighting} says, in the types
 * the domain classes use. {@link #from} checks what metatype cannot: the "HH:mm" time and the time zone. The ranges
 * are the metatype's ({@code min}, {@code max} on {@link LightingComponent.Config}): Regie's config folder refuses a
 * file outside them before the plugin sees it.
 *
 * @param dimLevel           level of the dimmed late-night light, 0..1 ({@code dim.level})
 * @param dimFrom            local time the dimming starts ({@code dim.from})
 * @param timeZone           the zone of {@code dim.from} ({@code time.zone})
 * @param zoneMarginMetres   reach of a crowd boost beyond the zone's own radius ({@code zone.margin.metres})
 * @param zoneRadiusMetres   reach of a zone whose area is unknown ({@code zone.radius.metres})
 * @param zoneStale          age at which a zone report counts as calm, event time ({@code zone.stale.minutes})
 * @param mismatchGrace      how long a lamp may report another level than its target, event time
 *                           ({@code mismatch.grace.minutes})
 * @param commandRetries     retries of a failed command ({@code command.retries})
 * @param commandBackoff     wait before the first retry, doubling, wall clock ({@code command.backoff.seconds})
 * @param commandDeadline    how long a command may take, wall clock ({@code command.deadline.seconds})
 * @param commandMaxInFlight commands under way at most ({@code command.max.in.flight})
 * @param failureWatts       below this a lamp that is on counts as drawing nothing ({@code failure.watts})
 * @param failureReports     consecutive such reports that make a failure ({@code failure.reports})
 */
record Settings(double dimLevel, LocalTime dimFrom, ZoneId timeZone, double zoneMarginMetres, double zoneRadiusMetres,
        Duration zoneStale, Duration mismatchGrace, int commandRetries, Duration commandBackoff,
        Duration commandDeadline, int commandMaxInFlight, double failureWatts, int failureReports) {

    static final double DEFAULT_DIM_LEVEL = 0.3;
    static final String DEFAULT_DIM_FROM = "00:00";
    static final String DEFAULT_TIME_ZONE = "Europe/Amsterdam";
    static final double DEFAULT_ZONE_MARGIN_METRES = 50;
    static final double DEFAULT_ZONE_RADIUS_METRES = 100;
    static final int DEFAULT_ZONE_STALE_MINUTES = 15;
    static final int DEFAULT_MISMATCH_GRACE_MINUTES = 30;
    static final int DEFAULT_COMMAND_RETRIES = 3;
    static final int DEFAULT_COMMAND_BACKOFF_SECONDS = 1;
    static final int DEFAULT_COMMAND_DEADLINE_SECONDS = 30;
    static final int DEFAULT_COMMAND_MAX_IN_FLIGHT = 100;
    static final double DEFAULT_FAILURE_WATTS = 1.0;
    static final int DEFAULT_FAILURE_REPORTS = 2;

    private static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)");

    /** The settings when nothing is configured. */
    static Settings defaults() {
        return new Settings(DEFAULT_DIM_LEVEL, LocalTime.MIDNIGHT, ZoneId.of(DEFAULT_TIME_ZONE),
                DEFAULT_ZONE_MARGIN_METRES, DEFAULT_ZONE_RADIUS_METRES, Duration.ofMinutes(DEFAULT_ZONE_STALE_MINUTES),
                Duration.ofMinutes(DEFAULT_MISMATCH_GRACE_MINUTES), DEFAULT_COMMAND_RETRIES,
                Duration.ofSeconds(DEFAULT_COMMAND_BACKOFF_SECONDS), Duration.ofSeconds(DEFAULT_COMMAND_DEADLINE_SECONDS),
                DEFAULT_COMMAND_MAX_IN_FLIGHT, DEFAULT_FAILURE_WATTS, DEFAULT_FAILURE_REPORTS);
    }

    /**
     * Checks a configuration.
     *
     * @throws IllegalArgumentException naming the first bad key, its value and what is expected
     */
    static Settings from(LightingComponent.Config config) {
        return new Settings(
                config.dim_level(),
                time("dim.from", config.dim_from()),
                zone("time.zone", config.time_zone()),
                config.zone_margin_metres(),
                config.zone_radius_metres(),
                Duration.ofMinutes(config.zone_stale_minutes()),
                Duration.ofMinutes(config.mismatch_grace_minutes()),
                config.command_retries(),
                Duration.ofSeconds(config.command_backoff_seconds()),
                Duration.ofSeconds(config.command_deadline_seconds()),
                config.command_max_in_flight(),
                config.failure_watts(),
                config.failure_reports());
    }

    /** One line for the log: every setting by its key. */
    String describe() {
        return "dim.level=" + dimLevel + ", dim.from=" + dimFrom + ", time.zone=" + timeZone
                + ", zone.margin.metres=" + zoneMarginMetres + ", zone.radius.metres=" + zoneRadiusMetres
                + ", zone.stale.minutes=" + zoneStale.toMinutes() + ", mismatch.grace.minutes=" + mismatchGrace.toMinutes()
                + ", command.retries=" + commandRetries + ", command.backoff.seconds=" + commandBackoff.toSeconds()
                + ", command.deadline.seconds=" + commandDeadline.toSeconds()
                + ", command.max.in.flight=" + commandMaxInFlight + ", failure.watts=" + failureWatts
                + ", failure.reports=" + failureReports;
    }

    /** The command queue's limits. */
    CommandQueue.Limits limits() {
        return new CommandQueue.Limits(commandMaxInFlight, commandRetries, commandBackoff, commandDeadline);
    }

    private static LocalTime time(String key, String value) {
        Matcher matcher = HH_MM.matcher(value == null ? "" : value.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(key + " = '" + value + "': expected a local time HH:mm from 00:00 to 23:59,"
                    + " such as 22:00");
        }
        return LocalTime.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    }

    private static ZoneId zone(String key, String value) {
        try {
            return ZoneId.of(value == null ? "" : value.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + " = '" + value + "': expected a time zone id such as"
                    + " Europe/Amsterdam (" + e.getMessage() + ")", e);
        }
    }
}
