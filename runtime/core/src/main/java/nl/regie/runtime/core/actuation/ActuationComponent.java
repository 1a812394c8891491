package nl.regie.runtime.core.actuation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.runtime.core.persist.StateFolder;
import nl.regie.runtime.core.scope.ScopeGuard;
import nl.regie.runtime.core.scope.Scopes;
import nl.regie.runtime.spi.actuation.Commands;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;
import nl.regie.runtime.spi.policy.ServiceKinds;
import nl.regie.runtime.statefiles.StateFiles;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Actuation as the runtime runs it: tracks {@link ActuationDriver} services by the entity types they declare, routes
 * commands to them through a {@link CommandRouter}, and records the end of every command in the {@link AuditLog}.
 * A plugin's driver is used only for the entity types its declared scope says it {@code drives} and the policy
 * grants it: one naming another type is ignored with a warning (and the refusal audited), and one whose grant is
 * withdrawn later is passed over from then on, so a plugin cannot take a type's commands by ranking alone.
 * Offered as {@link Commands} (to the HTTP API and to {@link BundleActuation}, the plugins' {@code Actuation}); its
 * counts of commands by outcome are a {@link MetricSource}. The driver and deadline threads end with the component.
 */
@Component(immediate = true, service = {Commands.class, MetricSource.class},
        property = MetricSource.ORDER + ":Integer=40")
public class ActuationComponent implements Commands, MetricSource {

    /** How long deactivation waits for a driver call in progress to end after interrupting it. */
    static final long STOP_WAIT_SECONDS = 5;

    /** Ended commands kept for status queries. */
    private static final int RETAINED_RESULTS = 10_000;

    private final DriverRegistry drivers = new DriverRegistry();
    private final ThreadPoolExecutor driverExecutor;
    private final ScheduledExecutorService deadlines;
    private final CommandTracker tracker = new CommandTracker(RETAINED_RESULTS);
    private final CommandRouter router;
    /** Where the commands are kept, or null (in memory only). */
    private CommandFiles files;

    private final Logger log;
    private final CommandAudit audit;
    private final Scopes scopes;

    /** Where every command's end is recorded; without one (sovereignty left out) nothing is. */
    private volatile AuditLog auditLog;

    /**
     * Loads the commands kept in {@code <state dir>/commands}, if there is a state folder, ends those that were in
     * progress when the runtime last stopped ({@link CommandRouter#endRestored}), and starts the driver and deadline
     * threads.
     */
    @Activate
    public ActuationComponent(@Reference(service = LoggerFactory.class) Logger log,
            @Reference(name = "scopes") Scopes scopes, BundleContext context) {
        this(log, scopes);
        StateFolder.of(context, "commands").ifPresent(this::keepIn);
    }

    /** Actuation in memory only, starting the driver and deadline threads. */
    public ActuationComponent(Logger log, Scopes scopes) {
        this(log, scopes, Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-actuation-deadlines");
            t.setDaemon(true);
            return t;
        }));
    }

    /** Keeps the commands in {@code folder} from now on, after loading and ending what it holds. */
    void keepIn(Path folder) {
        CommandFiles kept = new CommandFiles(tracker);
        try {
            StateFiles.Recovery recovery = kept.open(folder, StateFolder.log(log));
            files = kept;
            List<CommandRouter.Ended> ended = router.endRestored();
            for (CommandRouter.Ended e : ended) {
                log.warn("Command {} ({} on {}) was in progress when the runtime stopped; it ends {}: {}",
                        e.result().commandId(), e.pending().command().action(), e.pending().command().target(),
                        e.result().state(), e.result().reason());
                audit.ended(e.pending().actor(), e.pending().party(), e.pending().command(), e.result());
            }
            if (!recovery.empty()) {
                log.info("Commands restored from {}: {} kept for status queries, {} ended at the restart, in {} ms",
                        folder, tracker.capture().size(), ended.size(), recovery.took().toMillis());
            }
        } catch (IOException e) {
            log.error("The commands cannot be kept in {}: {}; they are kept in memory only, and a restart loses them",
                    folder, e.toString());
        }
    }

    /** Binds the audit log, and records the ends that waited for one. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetAuditLog")
    void setAuditLog(AuditLog log) {
        auditLog = log;
        audit.flush();
    }

    void unsetAuditLog(AuditLog log) {
        if (auditLog == log) {
            auditLog = null;
        }
    }

    /**
     * Actuation outside a framework (the test kit, tests): outcomes are stamped by {@code clock} and deadlines run on
     * {@code deadlines}, which may follow that clock rather than the wall clock. Drivers come only through
     * {@link #register}, trusted as the runtime's own. Stopped by {@link #deactivate}.
     */
    public static ActuationComponent embedded(Logger log, Clock clock, ScheduledExecutorService deadlines) {
        return new ActuationComponent(log, null, clock, deadlines);
    }

    private ActuationComponent(Logger log, Scopes scopes, Clock clock, ScheduledExecutorService deadlines) {
        this.log = log;
        this.scopes = scopes;
        this.audit = new CommandAudit(() -> auditLog, clock);
        AtomicInteger threads = new AtomicInteger();
        driverExecutor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "regie-actuation-driver-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        driverExecutor.allowCoreThreadTimeOut(true);
        this.deadlines = deadlines;
        router = new CommandRouter(drivers, tracker, driverExecutor, deadlines, clock);
    }

    /** Actuation recording into a given audit log, outside a framework (tests). */
    ActuationComponent(Logger log, AuditLog auditLog, Scopes scopes) {
        this(log, scopes);
        this.auditLog = auditLog;
    }

    /** Fails what is still open, interrupts the threads and waits for them to end (a stuck driver is named). */
    @Deactivate
    public void deactivate() throws InterruptedException {
        driverExecutor.shutdownNow();
        deadlines.shutdownNow();
        router.failAll("the runtime stopped before the command ended");
        if (files != null) {
            files.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        for (ExecutorService executor : List.of(driverExecutor, deadlines)) {
            long left = deadline - System.nanoTime();
            if (!executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                log.warn("An actuation thread did not end within {} s of stopping: a driver ignores interrupts",
                        STOP_WAIT_SECONDS);
            }
        }
    }

    @Override
    public CompletionStage<CommandResult> send(String actor, String party, Command command) {
        return audit.onEnd(actor, party, command, router.send(command, actor, party));
    }

    @Override
    public CompletionStage<CommandResult> reject(String actor, String party, Command command, String reason) {
        return audit.onEnd(actor, party, command, router.reject(command, actor, reason));
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return router.status(commandId);
    }

    @Override
    public Optional<String> sender(String commandId) {
        return router.sender(commandId);
    }

    /** Commands by state: those in progress (ACCEPTED) and those ended, by outcome. */
    public Map<CommandState, Long> commandCounts() {
        return router.counts();
    }

    /** Writes {@code regie_commands_in_progress} and {@code regie_commands_total} by outcome. */
    @Override
    public void collect(MetricWriter out) {
        Map<CommandState, Long> counts = commandCounts();
        out.gauge("regie_commands_in_progress", "Commands accepted and not yet ended.")
                .sample(counts.getOrDefault(CommandState.ACCEPTED, 0L));
        MetricWriter.Family ended = out.counter("regie_commands_total", "Commands ended, by outcome.");
        for (CommandState state : CommandState.values()) {
            if (state.isFinal()) {
                ended.sample(counts.getOrDefault(state, 0L), "outcome", state.name());
            }
        }
    }

    @Reference(service = ActuationDriver.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(ActuationDriver driver, ServiceReference<ActuationDriver> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null) {
            return; // unregistered meanwhile
        }
        addDriver(driver, (Long) reference.getProperty(Constants.SERVICE_ID),
                reference.getProperty(Constants.SERVICE_RANKING), reference.getProperty(ActuationDriver.ENTITY_TYPES),
                bundle.getSymbolicName() + " " + bundle.getVersion(), scopes.forBundle(bundle));
    }

    /**
     * Tracks a driver service of a bundle, with the bundle's guard, unless its types property is malformed or it
     * names a type its bundle may not drive (logged, naming the service, the plugin and why).
     *
     * @return whether it was tracked
     */
    boolean addDriver(ActuationDriver driver, long serviceId, Object ranking, Object entityTypes, String bundle,
            ScopeGuard guard) {
        String service = "ActuationDriver service " + serviceId;
        List<String> types;
        try {
            types = DriverRegistry.entityTypes(entityTypes);
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring {} of bundle {}: {}", service, bundle, e.getMessage());
            return false;
        }
        String refusal = guard.serviceRefusal(ServiceKinds.DRIVES, types, service + " for " + types);
        if (refusal != null) {
            log.warn("Ignoring {}: {}", service, refusal);
            return false;
        }
        drivers.add(new DriverRegistry.Entry(driver, serviceId, ranking instanceof Integer r ? r : 0, types,
                type -> guard.mayUse(ServiceKinds.DRIVES, type)));
        return true;
    }

    /**
     * Tracks a driver as if it were registered as a service with this id, ranking and {@code entityTypes} (the
     * {@value ActuationDriver#ENTITY_TYPES} property): for actuation outside a framework.
     *
     * @throws IllegalArgumentException if the entity types are malformed
     */
    public void register(ActuationDriver driver, long serviceId, int ranking, Object entityTypes) {
        drivers.add(new DriverRegistry.Entry(driver, serviceId, ranking, DriverRegistry.entityTypes(entityTypes),
                type -> true));
    }

    /** Stops tracking the driver registered with this id. */
    public void unregister(long serviceId) {
        drivers.remove(serviceId);
    }

    void removeDriver(ServiceReference<ActuationDriver> reference) {
        drivers.remove((Long) reference.getProperty(Constants.SERVICE_ID));
    }
}
