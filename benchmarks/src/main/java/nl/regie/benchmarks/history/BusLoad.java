package nl.regie.benchmarks.history;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import nl.regie.api.bus.ReadingListener;
import nl.regie.api.bus.Subscription;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.benchmarks.ConsoleLogger;
import nl.regie.runtime.core.bus.BusEngine;
import nl.regie.runtime.core.bus.BusSettings;
import nl.regie.runtime.spi.bus.Owner;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.osgi.service.log.Logger;

/**
 * The history writer as a bus subscriber, beside a bus running flat out, in one JVM: what the history costs the bus.
 *
 * <p>The store first gets ten minutes of the city's history, so that its series exist, as in a running city.
 * A Regie {@link BusEngine} (default settings) carries a saturating probe: one thread publishes in batches of
 * 1,000 and waits until the probe subscriber has them all, as the project's other bus figures do; its delivered
 * readings per second are the bus's rate. Four phases of equal length, one after the other: the probe alone; plus
 * the city's readings published at {@code rate} per second (the MQTT ingest rate) to a subscriber that only counts
 * them; the same with the history writer as that subscriber (it batches what it receives and writes each batch in
 * one transaction, on its bus delivery thread, with a queue of {@code queue} readings: by default 100,000, as the
 * city state has); the probe alone
 * again. After the history phase the benchmark waits until the writer has written everything published: if the
 * queue overflowed, the bus counted the drops and the writer did not keep pace.
 */
final class BusLoad {

    record Result(double alone, double withStream, double withHistory, double aloneAfter, double offeredRate,
            double writtenRate, long dropped, double drainMillis, String problem) {

        /** The bus's rate with the history writer, against its rate alone (before and after). */
        double ratio() {
            return withHistory / ((alone + aloneAfter) / 2);
        }
    }

    private static final Owner PROBE = new Owner("benchmark.probe", "1.0.0", 1);
    private static final Owner HISTORY = new Owner("benchmark.history", "1.0.0", 2);
    private static final List<String> CITY = City.TYPES.stream().map(t -> t.name() + "/#").toList();

    private final BusEngine bus = new BusEngine(BusSettings.defaults(), quietLogger());
    private final AtomicLong probed = new AtomicLong();
    private final Reading[] probes = new Reading[1024];

    private BusLoad() {
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Reading.of(EntityId.of("Probe", "p" + i % 100), "value", Value.of(i), "", "probe");
        }
        bus.subscribe(PROBE, List.of("Probe/+/value"), reading -> probed.incrementAndGet());
    }

    static Result run(HistoryStore store, Reading[] readings, int rate, int seconds, int batch, int queue)
            throws Exception {
        BusLoad load = new BusLoad();
        try {
            return load.phases(store, readings, rate, seconds * 1000L, batch, queue);
        } finally {
            load.bus.close();
        }
    }

    private Result phases(HistoryStore store, Reading[] readings, int rate, long millis, int batch, int queue)
            throws Exception {
        // The store first gets ten minutes of history, so that every series exists, as in a running city.
        int prefill = (70_000 + batch - 1) / batch * batch;
        for (int from = 0; from < prefill; from += batch) {
            store.write(Arrays.asList(readings).subList(from, from + batch));
        }
        probe(1000); // warm-up
        double alone = probe(millis);

        AtomicLong counted = new AtomicLong();
        Subscription counting = bus.subscribe(HISTORY, CITY, reading -> counted.incrementAndGet(), queue);
        Pacer stream = Pacer.start(bus, readings, prefill, rate);
        double withStream = probe(millis);
        int published = stream.stop();
        counting.close();

        HistoryWriter writer = new HistoryWriter(store, batch);
        Subscription history = bus.subscribe(HISTORY, CITY, writer, queue);
        // The history phase publishes whole batches, so that the writer's last batch is full and written.
        Pacer toHistory = Pacer.start(bus, readings, published, rate);
        long start = System.nanoTime();
        double withHistory = probe(millis);
        int offered = toHistory.stopAtMultipleOf(batch);
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        long stopped = System.nanoTime();
        long deadline = stopped + TimeUnit.SECONDS.toNanos(60);
        long dropped = 0;
        while (writer.written() + dropped < offered && System.nanoTime() < deadline && writer.error() == null) {
            LockSupport.parkNanos(1_000_000);
            dropped = dropped(HISTORY);
            if (dropped > 0 && writer.written() + dropped > offered - batch) {
                break; // the rest can never fill a batch
            }
        }
        double drainMillis = (System.nanoTime() - stopped) / 1e6;
        double writtenSeconds = (writer.lastWrite() - start) / 1e9;
        history.close();

        double aloneAfter = probe(millis);
        String problem = writer.error() != null ? "the writer failed: " + writer.error()
                : dropped > 0 ? "the writer's queue overflowed: " + dropped + " readings dropped"
                : writer.written() < offered ? "the writer had not written all in 60 s" : null;
        return new Result(alone, withStream, withHistory, aloneAfter, offered / publishSeconds,
                writer.written() / writtenSeconds, dropped, drainMillis, problem);
    }

    /** The bus's rate for the probe over {@code millis}: batches of 1,000, each waited for. */
    private double probe(long millis) {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        long first = probed.get();
        long expected = first;
        int i = 0;
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1000; k++) {
                bus.publish("probe", probes[i++ & 1023]);
            }
            expected += 1000;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (probed.get() < expected && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000);
            }
            expected = probed.get();
        }
        return (probed.get() - first) / ((System.nanoTime() - start) / 1e9);
    }

    private long dropped(Owner owner) {
        return bus.subscribers().stream().filter(s -> s.bundleSymbolicName().equals(owner.symbolicName()))
                .mapToLong(SubscriberInfo::dropped).sum();
    }

    /** The history writer as it will subscribe: readings into a batch, each full batch written in one transaction. */
    private static final class HistoryWriter implements ReadingListener {

        private final HistoryStore store;
        private final int batch;
        private final List<Reading> pending;
        private final AtomicLong written = new AtomicLong();
        private final AtomicReference<String> error = new AtomicReference<>();
        private volatile long lastWrite = System.nanoTime();

        HistoryWriter(HistoryStore store, int batch) {
            this.store = store;
            this.batch = batch;
            this.pending = new ArrayList<>(batch);
        }

        @Override
        public void onReading(Reading reading) {
            pending.add(reading);
            if (pending.size() == batch) {
                try {
                    store.write(pending);
                    written.addAndGet(pending.size());
                    lastWrite = System.nanoTime();
                } catch (SQLException | RuntimeException e) {
                    error.compareAndSet(null, e.toString());
                }
                pending.clear();
            }
        }

        long written() {
            return written.get();
        }

        long lastWrite() {
            return lastWrite;
        }

        String error() {
            return error.get();
        }
    }

    /** Publishes the city's readings from {@code from} on, at {@code rate} per second, on its own thread. */
    private static final class Pacer implements Runnable {

        private final BusEngine bus;
        private final Reading[] readings;
        private final int rate;
        private final Thread thread;
        private final int from;
        private volatile int next;
        private volatile int stopAt = Integer.MAX_VALUE;

        private Pacer(BusEngine bus, Reading[] readings, int from, int rate) {
            this.bus = bus;
            this.readings = readings;
            this.rate = rate;
            this.from = from;
            this.next = from;
            this.thread = new Thread(this, "history-benchmark-pacer");
        }

        static Pacer start(BusEngine bus, Reading[] readings, int from, int rate) {
            Pacer pacer = new Pacer(bus, readings, from, rate);
            pacer.thread.start();
            return pacer;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            while (true) {
                int limit = Math.min(stopAt, readings.length);
                int chunk = Math.min(200, limit - next);
                if (chunk <= 0) {
                    return;
                }
                for (int k = 0; k < chunk; k++) {
                    Reading r = readings[next + k];
                    bus.publish(r.source(), r);
                }
                next += chunk;
                long due = start + (long) ((next - from) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }

        /** Stops at once; returns the index of the next reading not published. */
        int stop() throws InterruptedException {
            stopAt = 0;
            thread.join();
            return next;
        }

        /** Stops once the count published by this pacer is a multiple of {@code batch}; returns that count. */
        int stopAtMultipleOf(int batch) throws InterruptedException {
            int published = next - from;
            stopAt = from + (published + batch - 1) / batch * batch + batch;
            thread.join();
            if ((next - from) % batch != 0) {
                throw new IllegalStateException("ran out of readings: give the bus phase more");
            }
            return next - from;
        }
    }

    private static Logger quietLogger() {
        return ConsoleLogger.create("history-benchmark", System.err, Set.of("warn", "error"));
    }
}
