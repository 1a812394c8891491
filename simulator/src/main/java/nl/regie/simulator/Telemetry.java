package nl.regie.simulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The devices' reports: each device publishes a SenML pack on its telemetry topic at a fixed wall-clock interval,
 * the devices spread evenly over it so that the broker sees a steady stream rather than bursts; each pack is
 * dated by the simulated clock. Once a second (or once an interval, if shorter) the city checks for a fire, and a
 * burning bin reports at once. Runs on the simulator's scheduler thread.
 */
final class Telemetry {

    private final City city;
    private final SimClock clock;
    private final Topics topics;
    private final int qos;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Consumer<String> warnings;
    private final AtomicLong reports = new AtomicLong();
    private volatile boolean stopped;

    /**
     * Reports for the devices of {@code city}, dated by {@code clock}, at QoS {@code qos}, every {@code interval} of
     * wall-clock time, on {@code scheduler}; a model that fails is reported to {@code warnings}.
     */
    Telemetry(City city, SimClock clock, Topics topics, int qos, Duration interval, ScheduledExecutorService scheduler,
            Consumer<String> warnings) {
        this.city = city;
        this.clock = clock;
        this.topics = topics;
        this.qos = qos;
        this.interval = interval;
        this.scheduler = scheduler;
        this.warnings = warnings;
    }

    /** Schedules every device's reports and the fire checks. */
    void start() {
        long period = interval.toNanos();
        List<SimDevice> devices = city.devices();
        long[] phases = phases(devices.stream().map(SimDevice::type).toList(), period);
        for (int i = 0; i < devices.size(); i++) {
            SimDevice device = devices.get(i);
            scheduler.scheduleAtFixedRate(() -> report(device), phases[i], period, TimeUnit.NANOSECONDS);
        }
        long fireCheck = Math.min(period, TimeUnit.SECONDS.toNanos(1));
        scheduler.scheduleAtFixedRate(this::fires, fireCheck, fireCheck, TimeUnit.NANOSECONDS);
    }

    /**
     * When in each {@code period} each device reports, by its type ({@code types}, in the city's order): the devices of
     * one type spread evenly over the whole period, each type shifted a little from the others so that they do not
     * report at the same instant. (Spread over the city's order instead, its 3,800 bins, listed first, all reported in
     * the first 38% of every period and nothing in the rest: a plugin on the bins got its readings in bursts.)
     */
    static long[] phases(List<String> types, long period) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> order = new HashMap<>();
        for (String type : types) {
            counts.merge(type, 1, Integer::sum);
            order.putIfAbsent(type, order.size());
        }
        Map<String, Integer> seen = new HashMap<>();
        long[] phases = new long[types.size()];
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            int count = counts.get(type);
            int index = seen.merge(type, 1, Integer::sum) - 1;
            long slot = period / count;
            long shift = slot * order.get(type) / order.size();
            phases[i] = slot * index + shift;
        }
        return phases;
    }

    /** Publishes what {@code device} measures now, unless stopped (scheduler thread only). */
    void report(SimDevice device) {
        if (stopped) {
            return;
        }
        try {
            long now = clock.now();
            device.advanceTo(now);
            device.link.send(topics.telemetry(device.id()), device.telemetry(now).toJson(), qos, false, true);
            reports.incrementAndGet();
        } catch (RuntimeException e) {
            // A bug in a model must not stop the device's schedule (an exception would cancel it).
            warnings.accept("simulator: " + device.id() + " failed to report: " + e);
        }
    }

    /** Publishes nothing more; what is scheduled finds it stopped. Any thread. */
    void stop() {
        stopped = true;
    }

    /** How many packs were handed to the connections. */
    long reports() {
        return reports.get();
    }

    private void fires() {
        if (stopped) {
            return;
        }
        try {
            for (WasteBin bin : city.nextFire(clock.now())) {
                report(bin); // A fire is an event: the sensor reports at once.
            }
        } catch (RuntimeException e) {
            warnings.accept("simulator: the fire model failed: " + e);
        }
    }
}
