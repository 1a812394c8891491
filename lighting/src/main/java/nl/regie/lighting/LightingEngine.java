package nl.regie.lighting;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.alert.Alert;
import nl.regie.api.alert.Alerts;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.service.log.Logger;

/**
 * The lighting plugin's logic, put together: checks streetlight and crowd readings and hands them to the parts
 * that keep the {@link Lamps}, decide their {@link TargetLevels}, send {@link LampCommands} and raise the
 * {@link LampFailureAlerts} and {@link CommandFailedAlerts}; the command queue's outcomes come back here.
 * Thread-safe: readings (the bus thread) and command outcomes (the scheduler thread) take one lock, and nothing
 * under it waits on anything. The parts are not thread-safe and rely on that lock.
 *
 * <p>Time is event time: a lamp is judged at the newest {@code observedAt} of its own readings, or of the crowd
 * report that brings a re-evaluation if that is newer; alerts carry event time too. Only command deadlines,
 * retries and their backoff run on the wall clock.
 */
final class LightingEngine implements CommandQueue.Outcomes {

    static final String STREETLIGHT = "Streetlight";
    static final String CROWD_FLOW = "CrowdFlowObserved";

    private final Object lock = new Object();
    private final CityLookup city;
    private final Logger log;
    private final Lamps lamps;
    private final TargetLevels targets;
    private final LampFailureAlerts lampFailures;
    private final CommandFailedAlerts commandFailures;
    private final LampCommands commands;
    private Instant now = Instant.EPOCH;

    LightingEngine(Settings settings, Actuation actuation, Alerts alerts, CityLookup city, TaskScheduler scheduler,
            Clock wallClock, Logger log) {
        this.city = city;
        this.log = log;
        this.lamps = new Lamps(city, log);
        this.targets = new TargetLevels(settings);
        MaintenanceAlerts maintenance = new MaintenanceAlerts(alerts, log);
        this.lampFailures = new LampFailureAlerts(maintenance, settings.failureWatts(), settings.failureReports());
        this.commandFailures = new CommandFailedAlerts(maintenance, log);
        this.commands = new LampCommands(new CommandQueue(actuation, new LockedScheduler(scheduler, lock), wallClock,
                this, settings.limits()), settings.mismatchGrace());
    }

    /** Takes one reading; bad input is ignored with a warning, never thrown. */
    void onReading(Reading reading) {
        synchronized (lock) {
            advance(reading.observedAt());
            String type = reading.entityType();
            if (STREETLIGHT.equals(type)) {
                lampReading(reading);
            } else if (CROWD_FLOW.equals(type) && "crowdLevel".equals(reading.attribute())) {
                zoneReading(reading);
            }
        }
    }

    /** Applies new settings, keeping every lamp's and zone's state, and re-judges the lamps. */
    void apply(Settings newSettings) {
        synchronized (lock) {
            targets.configure(newSettings);
            lampFailures.configure(newSettings.failureWatts(), newSettings.failureReports());
            commands.configure(newSettings.mismatchGrace(), newSettings.limits());
            for (Lamp lamp : lamps.all()) {
                if (lamp.observedAt != null) {
                    retarget(lamp, lamp.observedAt);
                }
            }
        }
    }

    /**
     * Takes over this plugin's own alerts raised before a restart or an update ({@code Alerts.own()}: the runtime kept
     * them), so that they are resolved when their time comes.
     */
    void restore(List<Alert> own) {
        synchronized (lock) {
            for (Alert alert : own) {
                if (alert.about() == null || !STREETLIGHT.equals(alert.about().type())) {
                    continue;
                }
                if (alert.key().startsWith(LampFailureAlerts.PREFIX)) {
                    lampFailures.takeOver(alert.about());
                } else if (alert.key().startsWith(CommandFailedAlerts.PREFIX)) {
                    commandFailures.takeOver(alert.key());
                }
            }
        }
    }

    /**
     * Goes on from what the city state holds after an update or a restart, before any reading comes: the crowd zones'
     * levels (so lamps near a busy zone stay bright rather than dimming until mobility next reports) and the lamps'
     * last reports. Lighting publishes nothing of its own to restore; what it had commanded each lamp follows from
     * those and the settings, so each lamp's target is taken as commanded already. A lamp showing another level is
     * then handled as the old version would have: after {@code mismatch.grace.minutes}, not at once (which would relight
     * every lamp a photocell had switched off before sunrise). Sends nothing itself.
     *
     * @param zoneLevels the zones' {@code crowdLevel} values
     * @param lampValues the streetlights' values ({@code powerState}, {@code illuminanceLevel}; others are ignored)
     */
    void restoreFromCityState(List<Reading> zoneLevels, List<Reading> lampValues) {
        synchronized (lock) {
            for (Reading reading : zoneLevels) {
                if (CROWD_FLOW.equals(reading.entityType()) && "crowdLevel".equals(reading.attribute())) {
                    advance(reading.observedAt());
                    zoneReading(reading);
                }
            }
            for (Reading reading : lampValues) {
                if (!STREETLIGHT.equals(reading.entityType())) {
                    continue;
                }
                advance(reading.observedAt());
                Lamp lamp = lamps.observe(reading).orElse(null);
                if (lamp == null) {
                    continue;
                }
                if (reading.attribute().equals("powerState")) {
                    reading.text().filter(t -> t.equals("on") || t.equals("off")).ifPresent(t -> lamp.on = t.equals("on"));
                } else if (reading.attribute().equals("illuminanceLevel")) {
                    reading.number().stream().filter(level -> level >= 0 && level <= 1).findFirst()
                            .ifPresent(level -> lamp.reported = level);
                }
            }
            for (Lamp lamp : lamps.all()) {
                if (lamp.commanded == null && lamp.reported != null && lamp.location != null) {
                    lamp.commanded = targets.target(lamp.location, lamp.observedAt);
                }
            }
        }
    }

    /** Stops sending commands. */
    void close() {
        synchronized (lock) {
            commands.close();
        }
    }

    // Outcomes run on the scheduler thread, under the lock: the queue's scheduler is a LockedScheduler.

    @Override
    public void completed(EntityId lampId, double level) {
        Lamp lamp = lamps.get(lampId);
        if (lamp != null) {
            commands.carriedOut(lamp, level);
        }
        commandFailures.completed(lampId, level, now);
    }

    @Override
    public void gaveUp(EntityId lampId, double level, CommandResult last, int attempts) {
        Lamp lamp = lamps.get(lampId);
        commandFailures.gaveUp(lampId, level, last, attempts, lamp == null ? null : lamp.location, now);
    }

    // --- what the tests and the component look at ------------------------------------------------------------

    /** The level last commanded to a lamp (or adopted from its report), if any. */
    Optional<Double> commanded(EntityId lamp) {
        synchronized (lock) {
            Lamp known = lamps.get(lamp);
            return Optional.ofNullable(known == null ? null : known.commanded);
        }
    }

    /** Commands under way now. */
    int inFlight() {
        synchronized (lock) {
            return commands.inFlight();
        }
    }

    /** Commands waiting for a place. */
    int waiting() {
        synchronized (lock) {
            return commands.waiting();
        }
    }

    /** Lamps known. */
    int lampCount() {
        synchronized (lock) {
            return lamps.count();
        }
    }

    // --- streetlights --------------------------------------------------------------------------------------------

    private void lampReading(Reading reading) {
        Optional<Lamp> observed = lamps.observe(reading);
        if (observed.isEmpty()) {
            return; // an old reading overtaken by a newer one: the newer state stands
        }
        Lamp lamp = observed.get();
        switch (reading.attribute()) {
            case "powerState" -> {
                if (reading.value() instanceof Value.Text text && ("on".equals(text.value()) || "off".equals(text.value()))) {
                    lamp.on = "on".equals(text.value());
                } else {
                    bad(reading, "\"on\" or \"off\"");
                }
            }
            case "illuminanceLevel" -> {
                if (reading.value() instanceof Value.Number number && number.value() >= 0 && number.value() <= 1) {
                    lamp.reported = number.value();
                    retarget(lamp, lamp.observedAt);
                    commands.checkMismatch(lamp, lamp.observedAt);
                } else {
                    bad(reading, "a number from 0 to 1");
                }
            }
            case "powerConsumption" -> {
                if (reading.value() instanceof Value.Number number && number.value() >= 0) {
                    lampFailures.powerConsumption(lamp, number.value(), reading.observedAt());
                } else {
                    bad(reading, "a number of watts, 0 or more");
                }
            }
            default -> {
                // Other attributes (a device's own extras) do not matter to lighting.
            }
        }
    }

    /** Judges a lamp at event time {@code at}, once it has reported a level and its location is known. */
    private void retarget(Lamp lamp, Instant at) {
        if (lamp.reported == null || !lamps.located(lamp)) {
            return;
        }
        commands.retarget(lamp, targets.target(lamp.location, at));
    }

    // --- crowd zones -------------------------------------------------------------------------------------------

    private void zoneReading(Reading reading) {
        if (!(reading.value() instanceof Value.Text text)) {
            bad(reading, "the text normal, busy or critical");
            return;
        }
        ZoneBoosts.CrowdLevel level;
        try {
            level = ZoneBoosts.CrowdLevel.parse(text.value());
        } catch (IllegalArgumentException e) {
            bad(reading, "the text normal, busy or critical");
            return;
        }
        Location center = reading.location() != null ? reading.location()
                : city.location(reading.entity()).orElse(null);
        if (center == null) {
            log.warn("Crowd zone " + reading.entity().localId()
                    + " has no known location; its crowd level is ignored");
            return;
        }
        Predicate<Location> reach = targets.crowdReport(reading.entity().localId(), level, center,
                city.area(reading.entity()), reading.observedAt());
        // Every report re-judges the lamps in reach (before and after): cheap, and it also catches a zone
        // that comes back after having gone stale.
        for (Lamp lamp : lamps.all()) {
            if (lamp.location != null && reach.test(lamp.location)) {
                Instant at = lamp.observedAt.isAfter(reading.observedAt()) ? lamp.observedAt : reading.observedAt();
                retarget(lamp, at);
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    /** Event time moves on to {@code at} if that is newer. */
    private void advance(Instant at) {
        if (at.isAfter(now)) {
            now = at;
        }
    }

    private void bad(Reading reading, String expected) {
        log.warn("Ignored " + reading.topic() + " = "
                + reading.value().asObject() + " from " + reading.source() + ": expected " + expected);
    }
}
