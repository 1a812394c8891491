package nl.regie.waste;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.AlertSeverity;
import nl.regie.api.alert.Alerts;
import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.osgi.service.log.Logger;

/**
 * The waste plugin's reasoning about bins: which are full, which burn. Fed the bins' readings, it publishes
 * {@code WasteContainer/{bin}/full} and {@code .../status} when they change, raises and resolves the fire alerts,
 * and tells {@code needChanged} when the set of bins needing emptying changes. Thread-safe: one lock, held briefly.
 *
 * <p>Its clock is event time: the newest {@code observedAt} it has seen. What it publishes is dated by the reading
 * it follows from; the wall clock only stamps {@code receivedAt}. Bad input is logged, a warning each time: the
 * runtime's console collapses repeats, so a broken bin does not flood the log.
 */
final class BinMonitor {

    static final String SOURCE = "nl.regie.waste";
    static final String OK = "ok";
    static final String BURNING = "burning";

    private final ReadingBus bus;
    private final Alerts alerts;
    private final Logger log;
    private final LongSupplier wallClock;
    private final Runnable needChanged;
    private final Map<EntityId, Bin> bins = new TreeMap<>();
    private Settings settings;
    private Instant now;

    BinMonitor(ReadingBus bus, Alerts alerts, Settings settings, Logger log, LongSupplier wallClock,
            Runnable needChanged) {
        this.bus = bus;
        this.alerts = alerts;
        this.settings = settings;
        this.log = log;
        this.wallClock = wallClock;
        this.needChanged = needChanged;
    }

    /**
     * Takes over what this plugin knew before a restart or an update: its fire alerts still active (so that they are
     * resolved when their bins cool) and the {@code full} and {@code status} it last published (so that it does not
     * publish them again unchanged), both kept by the runtime.
     */
    synchronized void adopt(List<Alert> ownAlerts, List<Reading> ownValues) {
        for (Alert alert : ownAlerts) {
            EntityId about = alert.about();
            if (about != null && "WasteContainer".equals(about.type()) && alert.key().equals(bin(about).fireKey())) {
                bin(about).fire = alert.severity();
                bin(about).status = BURNING;
            }
        }
        for (Reading value : ownValues) {
            Bin bin = bin(value.entity());
            if (value.location() != null) {
                bin.location = value.location();
            }
            if (value.attribute().equals("full") && value.value() instanceof Value.Bool full) {
                bin.full = full.value();
            } else if (value.attribute().equals("status")) {
                value.text().ifPresent(status -> bin.status = status);
            }
        }
    }

    /** Handles a reading of a bin's fillingLevel, temperature or storedWasteKind; ignores anything else. */
    synchronized void onReading(Reading reading) {
        if (!"WasteContainer".equals(reading.entityType())) {
            return;
        }
        if (now == null || reading.observedAt().isAfter(now)) {
            now = reading.observedAt();
        }
        Bin bin = bin(reading.entity());
        if (reading.location() != null && !reading.location().equals(bin.location)) {
            bin.location = reading.location();
            if (Boolean.TRUE.equals(bin.full)) {
                needChanged.run();
            }
        }
        switch (reading.attribute()) {
            case "fillingLevel" -> level(bin, reading);
            case "temperature" -> temperature(bin, reading);
            case "storedWasteKind" -> kind(bin, reading);
            default -> { }
        }
    }

    /** Applies new settings: bins whose threshold moved past their level change state now. */
    synchronized void apply(Settings next) {
        settings = next;
        for (Bin bin : bins.values()) {
            if (!Double.isNaN(bin.level)) {
                updateFull(bin, now);
            }
        }
    }

    synchronized Settings settings() {
        return settings;
    }

    /** The newest observation time seen, or {@code null} before the first reading. */
    synchronized Instant now() {
        return now;
    }

    /** The full bins with a known location, by id; full bins without one are left out (they cannot be routed). */
    synchronized List<Stop> needingEmptying() {
        List<Stop> stops = new ArrayList<>();
        for (Bin bin : bins.values()) {
            if (Boolean.TRUE.equals(bin.full) && bin.location != null) {
                stops.add(new Stop(bin.id, bin.location));
            }
        }
        return stops;
    }

    private void level(Bin bin, Reading reading) {
        Double level = number(reading, 0, 1.5);
        if (level == null || (bin.levelAt != null && reading.observedAt().isBefore(bin.levelAt))) {
            return;
        }
        bin.level = level;
        bin.levelAt = reading.observedAt();
        updateFull(bin, reading.observedAt());
    }

    private void kind(Bin bin, Reading reading) {
        if (!(reading.value() instanceof Value.Text text)) {
            log.warn("Ignored " + reading.topic() + ": expected a text, got " + reading.value().asObject());
            return;
        }
        bin.kind = text.value().isBlank() ? null : Settings.kindKey(text.value());
        if (!Double.isNaN(bin.level)) {
            updateFull(bin, reading.observedAt());
        }
    }

    private void updateFull(Bin bin, Instant at) {
        boolean full = FullRule.full(bin.full, bin.level, settings.threshold(bin.kind), settings.hysteresis());
        if (bin.full == null || bin.full != full) {
            boolean needChange = full != Boolean.TRUE.equals(bin.full);
            bin.full = full;
            publish(bin, "full", Value.of(full), "", at);
            if (needChange && bin.location != null) {
                needChanged.run();
            }
        }
    }

    private void temperature(Bin bin, Reading reading) {
        Double celsius = number(reading, -80, 2000);
        if (celsius == null) {
            return;
        }
        TemperatureTrack.Step step = bin.temperatures.add(reading.observedAt(), celsius, settings.riseWindow());
        if (step == null) {
            return;
        }
        Instant at = reading.observedAt();
        boolean burning = FireRule.burning(settings, bin.fire != null, step);
        if (burning) {
            boolean critical = bin.fire == AlertSeverity.CRITICAL || FireRule.critical(settings, celsius);
            AlertSeverity severity = critical ? AlertSeverity.CRITICAL : AlertSeverity.HIGH;
            if (severity != bin.fire) {
                raise(bin, severity, step, at);
            }
        } else if (bin.fire != null) {
            bin.fire = null;
            alerts.resolve(bin.fireKey(), at);
        }
        String status = burning ? BURNING : OK;
        if (!status.equals(bin.status)) {
            bin.status = status;
            publish(bin, "status", Value.of(status), "", at);
        }
    }

    private void raise(Bin bin, AlertSeverity severity, TemperatureTrack.Step step, Instant at) {
        String rise = step.rise() < 1 ? ""
                : String.format(Locale.ROOT, ", up %.1f °C within %d min", step.rise(), settings.riseWindow().toMinutes());
        String description = String.format(Locale.ROOT, "Fire in waste container %s: %.1f °C%s", bin.id.localId(),
                step.celsius(), rise);
        try {
            alerts.raise(new AlertRequest(bin.fireKey(), "security", "fire", severity, description, bin.id,
                    bin.location, at));
            bin.fire = severity;
        } catch (IllegalArgumentException | IllegalStateException e) {
            log.warn("Could not raise the fire alert of " + bin.id + ": " + e.getMessage());
            bin.fire = severity; // still burning; the status says so
        }
    }

    private Double number(Reading reading, double min, double max) {
        OptionalDouble number = reading.number();
        if (number.isPresent() && number.getAsDouble() >= min && number.getAsDouble() <= max) {
            return number.getAsDouble();
        }
        log.warn("Ignored " + reading.topic() + ": expected a number from " + min + " to " + max + ", got "
                + reading.value().asObject());
        return null;
    }

    /** Publishes what the plugin concluded about a bin, dated by the bin reading it concluded it from. */
    private void publish(Bin bin, String attribute, Value value, String unit, Instant at) {
        Objects.requireNonNull(at, "a conclusion is dated by the reading it comes from");
        bus.publish(new Reading(bin.id, attribute, value, unit, at, Instant.ofEpochMilli(wallClock.getAsLong()),
                SOURCE, bin.location));
    }

    private Bin bin(EntityId id) {
        return bins.computeIfAbsent(id, Bin::new);
    }
}
