package nl.regie.runtime.sovereignty.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.policy.SharingRule.Form;

import org.junit.jupiter.api.Test;

/** What the policy records of sharing: sums per owner, recipient, type and form, bounded, one event each per drain. */
class SharedCountsTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2030-01-01T01:00:00Z");

    @Test
    void eachDrainRecordsTheSumsSinceTheLastAndResetsThem() {
        SharedCounts counts = new SharedCounts(T0);
        LongAdder bins = counts.counter("contractor", "city", false, "WasteContainer", Form.RAW);
        assertSame(bins, counts.counter("contractor", "city", false, "WasteContainer", Form.RAW));
        bins.add(5);
        counts.counter("waterboard", "gent", true, "WaterObserved", Form.COARSENED).add(2);
        List<AuditEvent> events = counts.drain(T1);
        assertEquals(2, events.size());
        AuditEvent city = events.stream().filter(e -> e.actor().equals("city")).findFirst().orElseThrow();
        assertEquals(new AuditEvent(T1, AuditEvent.SHARE, "city", "city", "receive", "contractor>city WasteContainer",
                "raw", "5 readings since " + T0), city);
        AuditEvent gent = events.stream().filter(e -> e.actor().equals("site:gent")).findFirst().orElseThrow();
        assertEquals("export", gent.action());
        assertEquals("coarsened", gent.outcome());
        assertEquals(List.of(), counts.drain(T1.plusSeconds(3600)), "nothing shared since: nothing recorded");
        bins.increment();
        assertEquals("1 readings since " + T1.plusSeconds(3600), counts.drain(T1.plusSeconds(7200)).get(0).detail(),
                "a counter a view still holds keeps counting after a drain");
    }

    @Test
    void aPeekShowsTheRunningCountsStampedWhenTheyBeganAndKeepsThem() {
        SharedCounts counts = new SharedCounts(T0);
        assertEquals(List.of(), counts.peek(), "nothing shared yet");
        counts.counter("contractor", "city", false, "WasteContainer", Form.RAW).add(5);
        assertEquals(List.of(new AuditEvent(T0, AuditEvent.SHARE, "city", "city", "receive",
                "contractor>city WasteContainer", "raw", "5 readings since " + T0)), counts.peek());
        counts.counter("contractor", "city", false, "WasteContainer", Form.RAW).add(2);
        assertEquals("7 readings since " + T0, counts.peek().get(0).detail(), "a peek resets nothing");
        assertEquals("7 readings since " + T0, counts.drain(T1).get(0).detail(), "the drain records all of it");
        assertEquals(List.of(), counts.peek(), "after the drain the running count starts again");
        counts.counter("contractor", "city", false, "WasteContainer", Form.RAW).increment();
        assertEquals(T1, counts.peek().get(0).time(), "stamped with the last drain, when the count began");
    }

    @Test
    void pastItsBoundFurtherTypesAreCountedTogether() {
        SharedCounts counts = new SharedCounts(T0);
        for (int i = 0; i < SharedCounts.MAX_KEYS; i++) {
            counts.counter("a", "b", false, "Type" + i, Form.RAW).increment();
        }
        counts.counter("a", "b", false, "OneMore", Form.RAW).add(3);
        counts.counter("a", "b", false, "AndAnother", Form.RAW).add(4);
        List<AuditEvent> events = counts.drain(T1);
        assertEquals(SharedCounts.MAX_KEYS + 1, events.size());
        assertTrue(events.stream().anyMatch(e -> e.target().equals("a>b " + SharedCounts.OTHER_TYPE)
                && e.detail().startsWith("7 readings")), "the overflow is counted, not lost");
    }
}
