package nl.regie.benchmarks.flood;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.api.scope.LimitExceededException;
import nl.regie.runtime.core.bus.BundleBusView;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.core.limits.PluginLimits;
import nl.regie.runtime.core.limits.PluginQuota;
import nl.regie.runtime.core.scope.DeclaredScope;
import nl.regie.runtime.core.scope.ScopeGuards;
import nl.regie.runtime.core.state.CityStateComponent;
import nl.regie.runtime.sovereignty.policy.PolicyEngine;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.log.Logger;

/**
 * One plugin floods the bus inside its own scope while the devices report: what reaches the city state, with no
 * per-plugin limits ({@code none}: the bus as it was before them), with only the runtime's share of its queues kept
 * ({@code share}: a rate and an entity count no plugin reaches, {@code busSharePercent} at its default of 50), and
 * with every limit at its default ({@code defaults}).
 *
 * <p>Without a framework, as the bus benchmark runs it: a {@link BusEngine} with its default settings, the real city
 * state ({@link CityStateComponent}, subscribed to {@code #} with its queue of 100,000), the flooding plugin publishing
 * through its {@link BundleBusView} (its declared scope, and its limits or none: {@link PluginQuota#UNLIMITED}, the
 * view as it was before the limits) from one thread as fast as it can, over made-up entities whose readings are made
 * up front, and the devices publishing as the device bridge does (under the runtime's own name, no limit) from another
 * thread at a steady rate, each reading to an entity of its own, so that a device reading that never reached the city
 * state is an entity missing from it.
 *
 * <p>Run, after {@code mvn install}: {@code java -cp benchmarks/target/benchmarks.jar
 * nl.regie.benchmarks.flood.FloodBenchmark [--flood 2000000] [--flood-entities 400000] [--devices 200000]
 * [--device-rate 50000] [--rounds 3]}.
 */
public final class FloodBenchmark {

    private static final Owner RUNTIME = new Owner("nl.regie.runtime.core", "0.1.0", 1);
    private static final Owner FLOODER = new Owner("nl.example.flood", "1.0.0", 40);

    private record Settings(int flood, int floodEntities, int devices, int deviceRate, int rounds) {
    }

    private record Round(String limits, double floodSeconds, long floodAccepted, Map<String, Integer> refused,
            long stateDropped, long devicesLost, int floodEntities, double seconds) {
    }

    private FloodBenchmark() {
    }

    /** Runs the rounds, alternating the limits, and prints each. */
    public static void main(String[] args) throws Exception {
        Settings settings = settings(args);
        System.out.printf(Locale.ROOT, "Flood: %,d readings over %,d made-up entities from one plugin, as fast as it"
                + " can; devices: %,d readings at %,d/s, each to an entity of its own; %d cores, Java %s%n",
                settings.flood(), settings.floodEntities(), settings.devices(), settings.deviceRate(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("limits   | flood s | flood published | flood refused (by limit)                     |"
                + " city state dropped | device readings lost | flood entities in state");
        for (int i = 0; i < settings.rounds(); i++) {
            for (String limits : List.of("none", "share", "defaults")) {
                Round round = round(settings, limits);
                System.out.printf(Locale.ROOT, "%-8s | %7.1f | %,15d | %-44s | %,18d | %,20d | %,d%n",
                        round.limits(), round.floodSeconds(), round.floodAccepted(), round.refused(),
                        round.stateDropped(), round.devicesLost(), round.floodEntities());
            }
        }
    }

    private static Round round(Settings settings, String mode) throws Exception {
        Logger log = quietLogger();
        BusEngine bus = new BusEngine(BusSettings.defaults(), log);
        try {
            CityStateComponent state = new CityStateComponent(bus, RUNTIME);
            AuditLog audit = event -> { };
            ScopeGuards scopes = new ScopeGuards(new PolicyEngine(audit), audit, log, RUNTIME.bundleId(),
                    Clock.systemUTC());
            PluginLimits limits = new PluginLimits(bundle -> false, id -> state.entity(id).isPresent(), log,
                    Clock.systemUTC(), System::nanoTime);
            if (mode.equals("share")) {
                limits.apply(Map.of("publishPerSecond", 100_000_000, "publishBurst", 100_000_000,
                        "entities", 100_000_000));
            }
            BundleBusView plugin = BundleBusView.of(bus, FLOODER, scopes.forPlugin(FLOODER,
                    DeclaredScope.of(List.of(), List.of("WaterObserved/#"), List.of())),
                    mode.equals("none") ? PluginQuota.UNLIMITED : limits.forPlugin(FLOODER));
            Reading[] readings = new Reading[settings.floodEntities()];
            for (int i = 0; i < readings.length; i++) {
                readings[i] = Reading.of(EntityId.of("WaterObserved", "fake-" + i), "waterLevel", Value.of(9.99), "m",
                        FLOODER.symbolicName());
            }
            long start = System.nanoTime();
            CompletableFuture<Object[]> flood = CompletableFuture.supplyAsync(() -> flood(plugin, readings, settings));
            CompletableFuture<Void> devices = CompletableFuture.runAsync(() -> devices(bus, settings));
            Object[] flooded = flood.get(10, TimeUnit.MINUTES);
            devices.get(10, TimeUnit.MINUTES);
            SubscriberInfo info = drained(bus, settings.devices() + (long) flooded[0]);
            double seconds = (System.nanoTime() - start) / 1e9;
            long devicesInState = state.byType("WaterObserved").stream()
                    .filter(e -> e.id().localId().startsWith("gauge-")).count();
            int floodEntities = (int) state.byType("WaterObserved").stream()
                    .filter(e -> e.id().localId().startsWith("fake-")).count();
            @SuppressWarnings("unchecked")
            Map<String, Integer> refused = (Map<String, Integer>) flooded[1];
            return new Round(mode, (double) flooded[2], (long) flooded[0], refused,
                    info.dropped(), settings.devices() - devicesInState, floodEntities, seconds);
        } finally {
            bus.close();
        }
    }

    /** Floods from this thread: readings accepted, refusals by limit, seconds. */
    private static Object[] flood(BundleBusView plugin, Reading[] readings, Settings settings) {
        long start = System.nanoTime();
        long accepted = 0;
        Map<String, Integer> refused = new TreeMap<>();
        for (int i = 0; i < settings.flood(); i++) {
            try {
                plugin.publish(readings[i % readings.length]);
                accepted++;
            } catch (LimitExceededException e) {
                refused.merge(e.limit(), 1, Integer::sum);
            }
        }
        return new Object[] {accepted, refused, (System.nanoTime() - start) / 1e9};
    }

    /** The devices, at their steady rate, under the runtime's own name as the device bridge publishes. */
    private static void devices(BusEngine bus, Settings settings) {
        long start = System.nanoTime();
        long nanosPerReading = 1_000_000_000L / settings.deviceRate();
        for (int i = 0; i < settings.devices(); i++) {
            String device = "gauge-" + i;
            bus.publish(device, Reading.of(EntityId.of("WaterObserved", device), "waterLevel", Value.of(1.2), "m",
                    device));
            if (i % 100 == 99) {
                long ahead = start + (i + 1) * nanosPerReading - System.nanoTime();
                if (ahead > 0) {
                    LockSupport.parkNanos(ahead); // the devices' pace
                }
            }
        }
    }

    /** Waits until the city state has taken or dropped everything offered to it. */
    private static SubscriberInfo drained(BusEngine bus, long offered) {
        while (true) {
            SubscriberInfo info = bus.subscribers().stream()
                    .filter(s -> s.bundleSymbolicName().equals(RUNTIME.symbolicName())).findFirst().orElseThrow();
            if (info.delivered() + info.dropped() >= offered) {
                return info;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static Settings settings(String[] args) {
        Map<String, Integer> values = new TreeMap<>(Map.of("flood", 2_000_000, "flood-entities", 400_000,
                "devices", 200_000, "device-rate", 50_000, "rounds", 3));
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!values.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: FloodBenchmark [--flood N] [--flood-entities N]"
                        + " [--devices N] [--device-rate N] [--rounds N]; not " + Arrays.toString(args));
            }
            values.put(name, Integer.parseInt(args[i + 1]));
        }
        return new Settings(values.get("flood"), values.get("flood-entities"), values.get("devices"),
                values.get("device-rate"), values.get("rounds"));
    }

    /** A logger that keeps quiet: a refused plugin logs once per limit, which is not what is measured. */
    private static Logger quietLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getName().startsWith("is") ? Boolean.FALSE
                        : method.getName().equals("getName") ? "flood" : null);
    }
}
