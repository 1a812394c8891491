package nl.regie.runtime.actuation;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.actuation.CommandState;
import nl.regie.runtime.audit.AuditLog;

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
 * Offered as {@link Commands} (to the HTTP API and to {@link BundleActuation}, the plugins' {@code Actuation}) and
 * {@link CommandCounts}.
 */
@Component(service = {Commands.class, CommandCounts.class})
public class ActuationComponent implements Commands, CommandCounts {

    /** Ended commands kept for status queries. */
    private static final int RETAINED_RESULTS = 10_000;

    private final DriverRegistry drivers = new DriverRegistry();
    private final ThreadPoolExecutor driverExecutor;
    private final ScheduledExecutorService deadlines;
    private final CommandRouter router;

    private final Logger log;
    private final CommandAudit audit;

    /** Starts the driver and deadline threads. */
    @Activate
    public ActuationComponent(@Reference(service = LoggerFactory.class) Logger log, @Reference AuditLog auditLog) {
        this.log = log;
        this.audit = new CommandAudit(auditLog, Clock.systemUTC());
        AtomicInteger threads = new AtomicInteger();
        driverExecutor = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "regie-actuation-driver-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        driverExecutor.allowCoreThreadTimeOut(true);
        deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "regie-actuation-deadlines");
            t.setDaemon(true);
            return t;
        });
        router = new CommandRouter(drivers, new CommandTracker(RETAINED_RESULTS), driverExecutor, deadlines, Clock.systemUTC());
    }

    @Deactivate
    void deactivate() {
        driverExecutor.shutdownNow();
        deadlines.shutdownNow();
        router.failAll("the runtime stopped before the command ended");
    }

    @Override
    public CompletionStage<CommandResult> send(String actor, String party, Command command) {
        return audit.onEnd(actor, party, command, router.send(command));
    }

    @Override
    public CompletionStage<CommandResult> reject(String actor, String party, Command command, String reason) {
        return audit.onEnd(actor, party, command, router.reject(command, reason));
    }

    @Override
    public Optional<CommandResult> status(String commandId) {
        return router.status(commandId);
    }

    @Override
    public Map<CommandState, Long> commandCounts() {
        return router.counts();
    }

    @Reference(service = ActuationDriver.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDriver(ActuationDriver driver, ServiceReference<ActuationDriver> reference) {
        long serviceId = (Long) reference.getProperty(Constants.SERVICE_ID);
        try {
            int ranking = reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
            drivers.add(new DriverRegistry.Entry(driver, serviceId, ranking,
                    DriverRegistry.entityTypes(reference.getProperty(ActuationDriver.ENTITY_TYPES))));
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring actuation driver service {} of bundle {}: {}", serviceId,
                    reference.getBundle().getSymbolicName(), e.getMessage());
        }
    }

    void removeDriver(ServiceReference<ActuationDriver> reference) {
        drivers.remove((Long) reference.getProperty(Constants.SERVICE_ID));
    }
}
