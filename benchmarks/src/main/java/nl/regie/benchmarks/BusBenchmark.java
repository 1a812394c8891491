package nl.regie.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Regie bus against Apache Felix EventAdmin, the standard OSGi alternative, on the same workload: one
 * publishing thread, 1 or 3 subscribers to {@code WasteContainer/+/fillingLevel} (EventAdmin:
 * {@code WasteContainer/*}), 1,024 readings of 100 bins prepared up front. Both sides do the same work per publish:
 * the bus is handed a prepared reading, EventAdmin a prepared {@code Event} around it (see {@link EventAdminFixture}).
 *
 * <p>{@code bus} selects the implementation:
 * <ul>
 * <li>{@code regie-bus}: the Regie {@link nl.regie.runtime.core.bus.BusEngine}, run directly (the code the runtime
 *     bundle runs, without a framework), default settings: bounded queues, delivery timeout and quarantine on;
 *     publishing and subscribing as the runtime's own parts do, with no scope or policy enforcement;</li>
 * <li>{@code regie-bus-enforced}: the same bus with enforcement on, as plugins use it: publishing through a
 *     plugin's bus view (declared scope and source checked at each publish) and delivering through each
 *     subscribing plugin's read view of a real policy with two parties and a grant (see {@link RegieBusFixture});
 *     its score against {@code regie-bus} is the cost of enforcement;</li>
 * <li>{@code eventadmin-default}: Felix EventAdmin 1.6.4 in an embedded Felix 7.0.5, asynchronous
 *     {@code postEvent}, default settings (each delivery guarded by a 5 s timeout);</li>
 * <li>{@code eventadmin-timeout0}: the same with {@code org.apache.felix.eventadmin.Timeout=0}, its fastest.</li>
 * </ul>
 *
 * <p>{@link #throughput}: publish {@value #BATCH} readings, then wait until every subscriber has received all
 * of them. The score counts readings delivered to all subscribers per second; the {@code deliveries}
 * counter counts single deliveries (readings times subscribers) per second.
 * {@link #latency}: publish one reading and spin until every subscriber has received it; the sampled time
 * from publish to the last delivery, with percentiles.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BusBenchmark {

    /** Readings per throughput operation; below the bus's default queue capacity, so nothing is dropped. */
    static final int BATCH = 2_000;

    /** The bus under test and its subscribers, set up once per trial. */
    @State(Scope.Benchmark)
    public static class Bus {

        /** Which bus to run; {@code regie-bus-enforced} is the Regie bus with scope and policy enforcement on. */
        @Param({"regie-bus", "regie-bus-enforced", "eventadmin-default", "eventadmin-timeout0"})
        public String bus;

        /** How many subscribers receive every reading. */
        @Param({"1", "3"})
        public int subscribers;

        Deliveries deliveries;
        Fixture fixture;
        int next;

        /** Starts the bus and subscribes. */
        @Setup(Level.Trial)
        public void start() throws Exception {
            deliveries = new Deliveries(subscribers);
            fixture = Fixture.start(bus, deliveries);
        }

        /** Stops the bus. */
        @TearDown(Level.Trial)
        public void stop() throws Exception {
            fixture.stop();
        }
    }

    /** Single deliveries (one reading to one subscriber), reported per second next to the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Deliveries so far. */
        public long deliveries;
    }

    /** Publishes a batch and waits until all subscribers have all of it. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(BATCH)
    public void throughput(Bus state, Counters counters) {
        state.deliveries.expect(BATCH);
        for (int i = 0; i < BATCH; i++) {
            state.fixture.publish(state.next++);
        }
        state.deliveries.awaitParked();
        counters.deliveries += (long) BATCH * state.subscribers;
    }

    /** Publishes one reading and waits until all subscribers have it. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency(Bus state) {
        state.deliveries.expect(1);
        state.fixture.publish(state.next++);
        state.deliveries.awaitSpinning();
    }
}
