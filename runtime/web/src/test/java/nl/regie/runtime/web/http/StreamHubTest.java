package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;

class StreamHubTest {

    /** Records what is written; synchronized because writers and the test thread both look. */
    static final class RecordingSink implements StreamClient.Sink {
        final StringBuilder text = new StringBuilder();
        volatile boolean closed;
        volatile boolean fail;
        volatile boolean ready = true;

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public synchronized void write(byte[] chunk) throws IOException {
            if (fail) {
                throw new IOException("connection reset");
            }
            text.append(new String(chunk, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized String text() {
            return text.toString();
        }
    }

    private static final Location DAM = Location.of(4.8932, 52.3731);

    private static Reading reading(String type, String id, double value, Location location) {
        return Reading.of(EntityId.of(type, id), "level", Value.of(value), "%", "test").withLocation(location);
    }

    private static StreamHub hub(int maxClients, java.util.concurrent.Executor writers) {
        return new StreamHub(maxClients, 8, 3, id -> DAM, writers);
    }

    @Test
    void eachClientGetsWhatItsFilterPasses() {
        StreamHub hub = hub(10, Runnable::run);
        RecordingSink bins = new RecordingSink();
        RecordingSink near = new RecordingSink();
        hub.start(hub.register(new StreamFilter(Set.of("Bin"), null, 0, null), bins));
        hub.start(hub.register(new StreamFilter(Set.of(), DAM, 500, null), near));

        hub.publish(reading("Bin", "b1", 1, null));                         // located via the city state: DAM
        hub.publish(reading("Lamp", "l1", 2, Location.of(5.5, 52.0)));     // far away
        hub.publish(reading("Lamp", "l2", 3, DAM));

        assertEquals(1, count(bins.text(), "event: change"));
        assertTrue(bins.text().contains("\"id\":\"urn:ngsi-ld:Bin:b1\""));
        assertEquals(2, count(near.text(), "event: change"));
        assertTrue(near.text().contains("id: 1\n") && near.text().contains("id: 3\n"), "every reading has an id: "
                + near.text());
        assertFalse(near.text().contains("l1"));
    }

    @Test
    void theTypesStreamedFollowTheClientsThatComeAndGo() {
        StreamHub hub = hub(10, Runnable::run);
        RecordingSink bins = new RecordingSink();
        RecordingSink everything = new RecordingSink();
        hub.start(hub.register(new StreamFilter(Set.of("Bin"), null, 0, null), bins));
        hub.publish(reading("Lamp", "l1", 1, DAM));
        hub.publish(reading("Bin", "b1", 1, DAM));
        StreamClient all = hub.register(StreamFilter.ALL, everything);
        hub.start(all);
        hub.publish(reading("Lamp", "l2", 2, DAM));
        hub.remove(all);
        hub.publish(reading("Lamp", "l3", 3, DAM));
        hub.publish(reading("Bin", "b2", 2, DAM));

        assertEquals(2, count(bins.text(), "event: change"), bins.text());
        assertFalse(bins.text().contains("Lamp"), bins.text());
        assertTrue(everything.text().contains("l2") && !everything.text().contains("l1"), everything.text());
        assertTrue(bins.text().contains("id: 2\n") && bins.text().contains("id: 5\n"),
                "ids count every reading, whoever got it: " + bins.text());
    }

    @Test
    void aClientThatNeverDrainsNeverBlocksThePublisher() throws Exception {
        // Writers that never run: the client's queue only fills.
        List<Runnable> neverRun = new ArrayList<>();
        StreamHub hub = new StreamHub(10, 256, Integer.MAX_VALUE, id -> null, neverRun::add);
        StreamClient stuck = hub.register(StreamFilter.ALL, new RecordingSink());
        hub.start(stuck);

        ExecutorService publisher = Executors.newSingleThreadExecutor();
        long started = System.nanoTime();
        publisher.submit(() -> {
            for (int i = 0; i < 100_000; i++) {
                hub.publish(reading("Bin", "b" + (i % 100), i, null));
            }
        }).get(10, TimeUnit.SECONDS);
        publisher.shutdown();

        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
        assertEquals(100_000 / 256, stuck.resyncs());
        assertTrue(stuck.queued() <= 256);
        assertEquals(1, neverRun.size(), "one drain scheduled, however many readings");
    }

    @Test
    void anOverflowClearsTheQueueAndSendsResyncFirst() {
        List<Runnable> pending = new ArrayList<>();
        StreamHub hub = new StreamHub(10, 4, 3, id -> null, pending::add);
        RecordingSink sink = new RecordingSink();
        StreamClient client = hub.register(StreamFilter.ALL, sink);
        hub.start(client);
        for (int i = 1; i <= 6; i++) {
            hub.publish(reading("Bin", "b1", i, null));
        }
        assertEquals(1, client.resyncs());
        pending.remove(0).run();

        String text = sink.text();
        assertTrue(text.startsWith("event: resync\ndata: {"), text);
        assertEquals(2, count(text, "event: change"), "the events after the overflow: " + text);
        assertTrue(text.contains("id: 5\n") && text.contains("id: 6\n"), text);
        assertEquals(1, hub.size());
    }

    @Test
    void aFullSocketHoldsNoWriterAndTheClientCatchesUpWhenWoken() {
        List<Runnable> pending = new ArrayList<>();
        StreamHub hub = new StreamHub(10, 4, 3, id -> null, pending::add);
        RecordingSink sink = new RecordingSink();
        StreamClient client = hub.register(StreamFilter.ALL, sink, "retry: 1\n\n");
        hub.start(client);
        sink.ready = false;
        for (int i = 1; i <= 6; i++) {
            hub.publish(reading("Bin", "b1", i, null));
        }
        pending.remove(0).run();
        assertEquals("", sink.text(), "nothing written while the socket is full");
        assertTrue(pending.isEmpty(), "and no drain spins waiting for it");
        assertEquals(1, client.resyncs());

        sink.ready = true;
        hub.wake(client);
        pending.remove(0).run();
        String text = sink.text();
        assertTrue(text.startsWith("retry: 1\n\nevent: resync\n"), text);
        assertEquals(2, count(text, "event: change"), text);
    }

    @Test
    void aClientThatKeepsOverflowingIsDropped() {
        List<Runnable> pending = new ArrayList<>();
        StreamHub hub = new StreamHub(10, 4, 3, id -> null, pending::add);
        RecordingSink sink = new RecordingSink();
        hub.start(hub.register(StreamFilter.ALL, sink));
        for (int i = 0; i < 100; i++) {
            hub.publish(reading("Bin", "b1", i, null));
        }
        assertEquals(0, hub.size());
        assertEquals(1, hub.dropped());
        pending.forEach(Runnable::run);
        assertTrue(sink.closed, "the writer closes the dropped client's stream");
    }

    @Test
    void aClientThatIsGoneIsRemovedAtItsNextWrite() {
        StreamHub hub = hub(10, Runnable::run);
        RecordingSink gone = new RecordingSink();
        RecordingSink staying = new RecordingSink();
        hub.start(hub.register(StreamFilter.ALL, gone));
        hub.start(hub.register(StreamFilter.ALL, staying));
        gone.fail = true;
        hub.heartbeat();
        assertEquals(1, hub.size());
        assertTrue(gone.closed);
        assertTrue(staying.text().contains(": heartbeat\n\n"));
        hub.publish(reading("Bin", "b1", 1, null));
        assertEquals(1, count(staying.text(), "event: change"));
    }

    @Test
    void removingAClientClosesItsStreamOnce() {
        StreamHub hub = hub(10, Runnable::run);
        RecordingSink sink = new RecordingSink();
        StreamClient client = hub.register(StreamFilter.ALL, sink);
        hub.start(client);
        hub.remove(client);
        hub.remove(client);
        assertTrue(sink.closed);
        assertEquals(0, hub.size());
        hub.publish(reading("Bin", "b1", 1, null));
        assertEquals("", sink.text());
    }

    @Test
    void theNumberOfClientsIsCappedAndCloseEndsEveryStream() {
        StreamHub hub = hub(2, Runnable::run);
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        hub.start(hub.register(StreamFilter.ALL, a));
        hub.start(hub.register(StreamFilter.ALL, b));
        assertTrue(hub.full());
        assertNull(hub.register(StreamFilter.ALL, new RecordingSink()));
        hub.close();
        assertTrue(a.closed && b.closed);
        assertEquals(0, hub.size());
        assertNull(hub.register(StreamFilter.ALL, new RecordingSink()));
    }

    @Test
    void writersOnRealThreadsDeliverInOrder() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(2);
        StreamHub hub = new StreamHub(10, 100_000, 3, id -> null, writers);
        RecordingSink sink = new RecordingSink();
        AtomicBoolean ordered = new AtomicBoolean(true);
        hub.start(hub.register(StreamFilter.ALL, sink));
        for (int i = 0; i < 10_000; i++) {
            hub.publish(reading("Bin", "b1", i, null));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count(sink.text(), "event: change") < 10_000 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        writers.shutdown();
        String text = sink.text();
        long last = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("id: ")) {
                long id = Long.parseLong(line.substring(4));
                ordered.compareAndSet(true, id == last + 1);
                last = id;
            }
        }
        assertEquals(10_000, last);
        assertTrue(ordered.get());
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
