package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event ids, the replay buffer and Last-Event-ID: a client that reconnects gets exactly what it missed, or a reset. */
class StreamResumeTest {

    private static final Location DAM = Location.of(4.8932, 52.3731);
    private static final Pattern IDS = Pattern.compile("^id: (.+)$", Pattern.MULTILINE);

    private static Reading reading(String type, String id, double value) {
        return Reading.of(EntityId.of(type, id), "level", Value.of(value), "%", "test").withLocation(DAM);
    }

    private static StreamHub hub(long epoch, int replay) {
        return new StreamHub(10, 256, 3, id -> DAM, Runnable::run, epoch, replay);
    }

    private static List<String> ids(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = IDS.matcher(text);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static StreamHubTest.RecordingSink connect(StreamHub hub, StreamFilter filter, String lastEventId) {
        StreamHubTest.RecordingSink sink = new StreamHubTest.RecordingSink();
        hub.start(hub.register(filter, sink, null, null, EventId.parse(lastEventId)));
        return sink;
    }

    @Test
    void aReconnectingClientGetsExactlyWhatItMissedThenTheLiveEvents() {
        StreamHub hub = hub(7, 100);
        StreamHubTest.RecordingSink first = new StreamHubTest.RecordingSink();
        StreamClient client = hub.register(StreamFilter.ALL, first);
        hub.start(client);
        for (int i = 1; i <= 5; i++) {
            hub.publish(reading("Bin", "b" + i, i));
        }
        assertEquals(List.of("7-1", "7-2", "7-3", "7-4", "7-5"), ids(first.text()));
        hub.remove(client);
        for (int i = 6; i <= 9; i++) {
            hub.publish(reading("Bin", "b" + i, i)); // missed while away
        }

        StreamHubTest.RecordingSink again = connect(hub, StreamFilter.ALL, "7-5");
        hub.publish(reading("Bin", "b10", 10));

        assertEquals(List.of("7-6", "7-7", "7-8", "7-9", "7-10"), ids(again.text()), again.text());
        assertEquals(4, hub.replayed());
    }

    @Test
    void whatIsReplayedPassesTheClientsFilterAsLiveEventsDo() {
        StreamHub hub = hub(1, 100);
        hub.publish(reading("Bin", "b1", 1));
        hub.publish(reading("Lamp", "l1", 2));
        hub.publish(reading("Bin", "b2", 3));

        StreamHubTest.RecordingSink bins = connect(hub, new StreamFilter(Set.of("Bin"), null, 0, null), "1-1");

        assertEquals(List.of("1-3"), ids(bins.text()), bins.text());
        assertTrue(!bins.text().contains("Lamp"), bins.text());
    }

    @Test
    void aPartyClientSeesReplayedEventsThroughItsView() {
        StreamHub hub = hub(1, 100);
        hub.publish(reading("Bin", "mine", 1));
        hub.publish(reading("Bin", "theirs", 2));
        StreamHubTest.RecordingSink sink = new StreamHubTest.RecordingSink();
        hub.start(hub.register(StreamFilter.ALL, sink, null,
                r -> r.entity().localId().equals("mine") ? r : null, EventId.parse("1-0")));

        assertEquals(List.of("1-1"), ids(sink.text()), sink.text());
    }

    @Test
    void aClientThatMissedMoreThanTheBufferKeepsIsToldToReload() {
        StreamHub hub = hub(3, 4);
        for (int i = 1; i <= 10; i++) {
            hub.publish(reading("Bin", "b" + i, i));
        }
        // The buffer holds 7..10: a client that saw 6 missed nothing it cannot get; one that saw 5 missed event 6.
        assertEquals(List.of("3-7", "3-8", "3-9", "3-10"), ids(connect(hub, StreamFilter.ALL, "3-6").text()));

        String text = connect(hub, StreamFilter.ALL, "3-5").text();
        assertTrue(text.startsWith("id: 3-10\nevent: reset\ndata: {\"reason\":\"expired\""), text);
        assertEquals(List.of("3-10"), ids(text), "nothing replayed after a reset: " + text);
        assertEquals(1, hub.resets(StreamHub.Reset.EXPIRED));
    }

    @Test
    void anIdOfAnotherStartOrNeverGivenIsAReset() {
        StreamHub hub = hub(5, 100);
        hub.publish(reading("Bin", "b1", 1));

        String before = connect(hub, StreamFilter.ALL, "4-1").text();
        assertTrue(before.startsWith("id: 5-1\nevent: reset\ndata: {\"reason\":\"restarted\""), before);
        String forged = connect(hub, StreamFilter.ALL, "5-999999999999999999").text();
        assertTrue(forged.startsWith("id: 5-1\nevent: reset\ndata: {\"reason\":\"unknown\""), forged);
        String future = connect(hub, StreamFilter.ALL, "6-1").text();
        assertTrue(future.contains("\"reason\":\"restarted\""), future);
        assertEquals(2, hub.resets(StreamHub.Reset.RESTARTED));
        assertEquals(1, hub.resets(StreamHub.Reset.UNKNOWN));
    }

    @Test
    void anOverflowedClientReconnectsAndResumesWithoutLoss() {
        // A client whose writer never runs overflows its queue of 4 and is dropped; it reconnects with the last id
        // it did get, and the buffer gives it the rest.
        List<Runnable> never = new ArrayList<>();
        StreamHub hub = new StreamHub(10, 4, 1, id -> DAM, never::add, 2, 1_000);
        StreamClient stuck = hub.register(StreamFilter.ALL, new StreamHubTest.RecordingSink());
        hub.start(stuck);
        for (int i = 1; i <= 50; i++) {
            hub.publish(reading("Bin", "b" + i, i));
        }
        assertEquals(0, hub.size(), "dropped for falling behind");

        StreamHubTest.RecordingSink again = connect(hub, StreamFilter.ALL, "2-3");
        new ArrayList<>(never).forEach(Runnable::run);
        List<String> expected = new ArrayList<>();
        for (int i = 4; i <= 50; i++) {
            expected.add("2-" + i);
        }
        assertEquals(expected, ids(again.text()));
        assertTrue(!again.text().contains("resync"), "the backlog is not bounded by the live queue");
    }

    @Test
    void aDeletionIsAnEventWithAnIdLiveAndReplayedToTheTypesThatWantIt() {
        StreamHub hub = hub(4, 100);
        StreamHubTest.RecordingSink bins = connect(hub, new StreamFilter(Set.of("Bin"), DAM, 10, null), null);
        StreamHubTest.RecordingSink lamps = connect(hub, new StreamFilter(Set.of("Lamp"), null, 0, null), null);
        hub.publish(reading("Bin", "b1", 1));
        hub.delete(new nl.regie.api.model.Deletion(EntityId.of("Bin", "b1"), "level", "test", Instant.EPOCH));
        hub.delete(new nl.regie.api.model.Deletion(EntityId.of("Bin", "b1"), null, "test", Instant.EPOCH));

        String text = bins.text();
        assertTrue(text.contains("id: 4-2\nevent: delete\ndata: {\"id\":\"urn:ngsi-ld:Bin:b1\",\"type\":\"Bin\","
                + "\"attribute\":\"level\",\"source\":\"test\",\"deletedAt\":\"1970-01-01T00:00:00Z\"}"), text);
        assertTrue(text.contains("id: 4-3\nevent: delete\ndata: {\"id\":\"urn:ngsi-ld:Bin:b1\",\"type\":\"Bin\","
                + "\"attribute\":null"), "a whole entity: " + text);
        assertEquals("", lamps.text(), "not a type it streams");
        assertEquals(List.of("4-2", "4-3"), ids(connect(hub, new StreamFilter(Set.of("Bin"), DAM, 10, null), "4-1")
                .text()), "replayed too, though where the entity was is no longer known");
        StreamHubTest.RecordingSink withheld = new StreamHubTest.RecordingSink();
        hub.start(hub.register(StreamFilter.ALL, withheld, null, r -> null, EventId.parse("4-1")));
        assertEquals("", withheld.text(), "a party whose view withholds the entity hears nothing of its deletion");
    }

    @Test
    void withoutAReplayBufferEveryResumeBehindIsAReset() {
        StreamHub hub = hub(1, 0);
        hub.publish(reading("Bin", "b1", 1));
        hub.publish(reading("Bin", "b2", 2));
        assertTrue(connect(hub, StreamFilter.ALL, "1-1").text().contains("\"reason\":\"expired\""));
        assertEquals("", connect(hub, StreamFilter.ALL, "1-2").text(), "up to date: nothing to send yet");
    }

    @Test
    void garbageForgedAndHugeLastEventIdsAreRefusedByName() {
        assertNull(EventId.parse(null));
        assertNull(EventId.parse(""), "an empty Last-Event-ID is the SSE way of saying none");
        assertEquals(new EventId(12, 3456), EventId.parse("12-3456"));
        for (String bad : List.of("abc", "12", "-1-2", "1-2-3", "1--2", " 1-2", "1-2 ", "１-2", "1-0x10",
                "1234567890123456789-1", "1-\n2", "'; drop table", "1-2\u0000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventId.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Last-Event-ID '"), e.getMessage());
            assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), "nothing unprintable echoed: "
                    + e.getMessage());
        }
        String huge = "9".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventId.parse(huge));
        assertTrue(e.getMessage().contains("100000 characters long"), e.getMessage());
        assertTrue(e.getMessage().length() < 200, "the message quotes a little of it, not all");
    }

    @Test
    void theEpochGrowsWithEveryStartAndSurvivesInTheStateFolder(@TempDir Path state) throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_000), ZoneOffset.UTC);
        Path folder = state.resolve("stream");
        assertEquals(new StreamEpoch.Start(1, null), StreamEpoch.next(folder, clock));
        assertEquals(new StreamEpoch.Start(2, null), StreamEpoch.next(folder, clock));
        assertEquals("2\n", Files.readString(folder.resolve(StreamEpoch.FILE)));

        Files.writeString(folder.resolve(StreamEpoch.FILE), "garbage");
        StreamEpoch.Start damaged = StreamEpoch.next(folder, clock);
        assertEquals(1_000_000, damaged.epoch(), "a damaged counter falls back to the clock");
        assertTrue(damaged.reason().contains("could not be used"), damaged.reason());
        assertEquals(1_000_001, StreamEpoch.next(folder, clock).epoch(), "and counts on from there");

        assertEquals(1_000_000, StreamEpoch.next(null, clock).epoch(), "no state folder: the clock");
    }
}
