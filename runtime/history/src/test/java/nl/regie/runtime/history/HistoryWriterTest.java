package nl.regie.runtime.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.history.HistoryStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The writer alone, on a stand-in store: a store that stalls or fails never stalls the caller of {@link
 * HistoryWriter#offer}; what cannot wait or be written is counted as dropped, and the status says the history is
 * behind.
 */
class HistoryWriterTest {

    static final Instant NOW = Instant.parse("2031-05-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A stand-in store that records batches, can be held and can be made to fail as a full disk does. */
    static final class Sink implements HistoryWriter.Sink {
        final List<Reading> written = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicBoolean hold = new AtomicBoolean();
        final AtomicBoolean full = new AtomicBoolean();
        final List<Instant> retentions = Collections.synchronizedList(new ArrayList<>());
        volatile boolean closed;

        @Override
        public void write(List<Reading> batch) throws SQLException {
            if (hold.get()) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (full.get()) {
                throw new SQLException("IO Error: No space left on device");
            }
            written.addAll(batch);
        }

        @Override
        public void maintain(Instant now, RetentionPolicy retention) {
            if (retention != null) {
                retentions.add(now);
            }
        }

        @Override
        public long bytes() {
            return 1234;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final Sink sink = new Sink();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private HistoryWriter writer;

    @AfterEach
    void stop() throws InterruptedException {
        sink.release.countDown();
        sink.full.set(false);
        if (writer != null) {
            writer.stop();
        }
    }

    static Reading reading(int i) {
        Instant at = NOW.minusSeconds(i);
        return new Reading(EntityId.of("WasteContainer", "bin-" + i), "fillingLevel", Value.of(i), "/", at, at,
                "device", null);
    }

    @Test
    void writesWhatItIsGivenInBatchesAndClosesTheStoreOnStop() throws InterruptedException {
        writer = new HistoryWriter(sink, 1000, RetentionPolicy.DEFAULTS, CLOCK, errors::add);
        for (int i = 0; i < 500; i++) {
            writer.offer(reading(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.written.size() == 500);
        HistoryStatus status = writer.status();
        assertEquals(500, status.written());
        assertEquals(0, status.dropped());
        assertEquals(1234, status.storeBytes());
        assertNull(status.problem());
        assertFalse(sink.retentions.isEmpty(), "retention ran on the store's clock");
        assertEquals(NOW, sink.retentions.get(0));

        writer.stop();
        writer = null;
        assertTrue(sink.closed);
    }

    @Test
    void aStalledStoreFillsTheQueueDropsTheRestAndIsReportedBehind() throws InterruptedException {
        sink.hold.set(true);
        writer = new HistoryWriter(sink, 1000, RetentionPolicy.DEFAULTS, CLOCK, errors::add);
        writer.offer(reading(0));
        // The writer takes the first reading and waits in the stalled store; then the queue fills.
        assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
        long start = System.nanoTime();
        for (int i = 1; i <= 5000; i++) {
            writer.offer(reading(i));
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "offer never waits for the store");

        HistoryStatus status = writer.status();
        assertEquals(4000, status.dropped(), "dropped: " + status.dropped());
        assertEquals(1000, status.queued());
        assertTrue(status.problem() != null && status.problem().contains("behind"), status.problem());

        sink.hold.set(false);
        sink.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.status().written() == 1001);
        assertEquals(4000, writer.status().dropped());
        assertEquals(0, writer.status().queued());
        assertNull(writer.status().problem());
    }

    @Test
    void aFullDiskDropsTheBatchReportsItOnceAndTheWriterGoesOn() {
        sink.full.set(true);
        writer = new HistoryWriter(sink, 1000, RetentionPolicy.DEFAULTS, CLOCK, errors::add);
        writer.offer(reading(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.status().dropped() == 1);
        writer.offer(reading(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.status().dropped() == 2);

        HistoryStatus status = writer.status();
        assertTrue(status.problem().contains("No space left on device"), status.problem());
        assertEquals(1, errors.size(), "logged once a minute, not per batch: " + errors);

        sink.full.set(false);
        writer.offer(reading(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.written.size() == 1);
        assertEquals(1, writer.status().written());
    }
}
