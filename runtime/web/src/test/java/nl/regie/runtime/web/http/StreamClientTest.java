package nl.regie.runtime.web.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.runtime.spi.bus.ReadView;

import org.junit.jupiter.api.Test;

class StreamClientTest {

    private static final Location DAM = Location.of(4.8932, 52.3731);
    private static final Location COARSE = Location.of(4.9, 52.37);

    /** Keeps every array written, as written. */
    static final class CapturingSink implements StreamClient.Sink {
        final List<byte[]> writes = new ArrayList<>();

        @Override
        public synchronized void write(byte[] text) {
            writes.add(text);
        }

        @Override
        public void close() {
        }

        synchronized int count() {
            return writes.size();
        }
    }

    private static StreamClient client(ReadView view) {
        return new StreamClient(1, StreamFilter.ALL, new CapturingSink(), null, 16, 3, view);
    }

    private static Reading level(double value) {
        return Reading.of(EntityId.of("Bin", "b1"), "level", Value.of(value), "%", "mine");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void clientsThatSeeAChangeUnchangedShareOneRenderingAndATransformedOneIsRenderedForItsClient() {
        StreamClient.Item item = new StreamClient.Item(7, level(0.5), DAM);
        StreamClient operator = client(null);
        StreamClient sameParty = client(reading -> reading);
        StreamClient coarsened = client(reading -> reading.withLocation(COARSE));
        StreamClient copying = client(reading -> reading.withLocation(reading.location()));
        StreamClient denied = client(reading -> null);

        byte[] shared = operator.render(item);
        assertSame(shared, item.shared(), "no view: the item's own rendering");
        assertSame(shared, sameParty.render(item), "a view that lets the very reading through: the same bytes");
        assertTrue(text(shared).startsWith("id: 7\nevent: change\n"), text(shared));
        assertTrue(text(shared).contains("\"location\":[4.8932,52.3731]"), "says where the entity is: " + text(shared));

        byte[] own = coarsened.render(item);
        assertNotSame(shared, own);
        assertTrue(text(own).startsWith("id: 7\nevent: change\n"), "the same event id: " + text(own));
        assertTrue(text(own).contains("\"location\":[4.9,52.37]"), text(own));
        assertTrue(text(shared).contains("[4.8932,52.3731]"), "the shared text is left as it was");

        byte[] copy = copying.render(item);
        assertNotSame(shared, copy, "a new reading instance is rendered apart, even when equal");
        assertArrayEquals(shared, copy);

        assertNull(denied.render(item));
    }

    @Test
    void theHubWritesTheVerySameBytesToEveryClientThatSeesAChangeUnchanged() {
        StreamHub hub = new StreamHub(10, 16, 3, id -> DAM, Runnable::run);
        CapturingSink first = new CapturingSink();
        CapturingSink second = new CapturingSink();
        CapturingSink coarse = new CapturingSink();
        hub.start(hub.register(StreamFilter.ALL, first));
        hub.start(hub.register(StreamFilter.ALL, second, null, reading -> reading));
        hub.start(hub.register(StreamFilter.ALL, coarse, null, reading -> reading.withLocation(COARSE)));

        hub.publish(level(0.1));
        hub.publish(level(0.2));

        // Writers run at once on the publishing thread, so each write is one event.
        assertEquals(2, first.writes.size());
        assertEquals(2, second.writes.size());
        assertEquals(2, coarse.writes.size());
        for (int i = 0; i < 2; i++) {
            assertSame(first.writes.get(i), second.writes.get(i), "event " + i);
            assertNotSame(first.writes.get(i), coarse.writes.get(i), "event " + i);
            assertTrue(text(coarse.writes.get(i)).startsWith("id: " + (i + 1) + "\n"), text(coarse.writes.get(i)));
            assertTrue(text(coarse.writes.get(i)).contains("[4.9,52.37]"), text(coarse.writes.get(i)));
            assertFalse(text(first.writes.get(i)).contains("[4.9,52.37]"), text(first.writes.get(i)));
        }
    }

    @Test
    void aLingeringWriterPutsTheEventsThatArriveMeanwhileInOneWrite() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            // A linger far longer than publishing ten readings takes, so that all ten wait for the one drain.
            StreamHub hub = new StreamHub(10, 16, 3, id -> DAM, StreamServlet.lingering(timer, 500));
            CapturingSink sink = new CapturingSink();
            hub.start(hub.register(StreamFilter.ALL, sink));
            for (int i = 0; i < 10; i++) {
                hub.publish(level(i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.count() > 0);
            assertEquals(1, sink.count());
            assertEquals(10, StreamHubTest.count(text(sink.writes.get(0)), "event: change"));
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aBatchIsTheGreetingThenTheResyncThenTheEventsInOrderInOneArray() {
        // A queue of 2: the third event overflows it (cleared, resync due), the fourth joins the third.
        StreamClient client = new StreamClient(1, StreamFilter.ALL, new CapturingSink(), "retry: 1\n\n", 2, 3, null);
        List<StreamClient.Item> items = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            StreamClient.Item item = new StreamClient.Item(i, level(i), DAM);
            items.add(item);
            client.offer(item);
        }
        String batch = client.nextBatch(10);
        assertTrue(batch.startsWith("retry: 1\n\nevent: resync\ndata: {"), batch);
        assertTrue(batch.endsWith("\n\n" + text(items.get(2).shared()) + text(items.get(3).shared())), batch);
        assertEquals(2, StreamHubTest.count(batch, "event: change"), batch);
        assertEquals(2, client.sent());
        assertNull(client.nextBatch(10), "nothing left");
    }
}
