package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

class RepeatedLinesTest {

    private static final String WASTE = "nl.regie.waste";
    private static final String LIGHTING = "nl.regie.lighting";

    private final long[] now = {1_000};
    private final RepeatedLines lines = new RepeatedLines(() -> now[0], Duration.ofMinutes(1), 3, 10);

    @Test
    void aFewLinesOfAPatternThenOneSayingHowManyWereLeftOut() {
        List<String> printed = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            printed.addAll(texts(lines.offer(LogLevel.WARN, WASTE, "Ignored WasteContainer/bin-" + (i % 40)
                    + "/fillingLevel: expected a number from 0 to 1, got " + (1.5 + i))));
        }
        assertEquals(List.of(
                "WARN nl.regie.waste Ignored WasteContainer/bin-0/fillingLevel: expected a number from 0 to 1, got 1.5",
                "WARN nl.regie.waste Ignored WasteContainer/bin-1/fillingLevel: expected a number from 0 to 1, got 2.5",
                "WARN nl.regie.waste Ignored WasteContainer/bin-2/fillingLevel: expected a number from 0 to 1, got 3.5"),
                printed);
        assertEquals(List.of(), lines.due(), "the window has not ended");

        advance(Duration.ofSeconds(60));
        assertEquals(List.of("WARN nl.regie.waste 997 more like this left out in 60 s, the last: Ignored "
                + "WasteContainer/bin-39/fillingLevel: expected a number from 0 to 1, got 1000.5 (report)"), texts(lines.due()));
        assertEquals(List.of(), lines.due(), "reported once");

        assertEquals(List.of("WARN nl.regie.waste Ignored WasteContainer/bin-7/fillingLevel: expected a number from 0 "
                + "to 1, got -2"), texts(lines.offer(LogLevel.WARN, WASTE,
                        "Ignored WasteContainer/bin-7/fillingLevel: expected a number from 0 to 1, got -2")),
                "a new window begins");
    }

    @Test
    void theReportComesBeforeTheFirstLineOfTheNextWindow() {
        for (int i = 0; i < 5; i++) {
            lines.offer(LogLevel.WARN, WASTE, "Could not raise the fire alert of bin-" + i + ": refused");
        }
        advance(Duration.ofSeconds(61));
        assertEquals(List.of("WARN nl.regie.waste 2 more like this left out in 60 s, the last: Could not raise the fire "
                        + "alert of bin-4: refused (report)",
                "WARN nl.regie.waste Could not raise the fire alert of bin-5: refused"),
                texts(lines.offer(LogLevel.WARN, WASTE, "Could not raise the fire alert of bin-5: refused")));
    }

    @Test
    void aBundleThatFloodsDoesNotSilenceAnother() {
        for (int i = 0; i < 100; i++) {
            lines.offer(LogLevel.WARN, WASTE, "Ignored WasteContainer/bin-" + i + ": bad");
        }
        assertEquals(List.of("WARN nl.regie.lighting Gave up dimming streetlight lamp-3"),
                texts(lines.offer(LogLevel.WARN, LIGHTING, "Gave up dimming streetlight lamp-3")));
        assertEquals(List.of("INFO nl.regie.waste Route planned"),
                texts(lines.offer(LogLevel.INFO, WASTE, "Route planned")), "levels are apart");
        assertEquals(List.of("ERROR nl.regie.waste Ignored WasteContainer/bin-0: bad"),
                texts(lines.offer(LogLevel.ERROR, WASTE, "Ignored WasteContainer/bin-0: bad")));
    }

    @Test
    void aBundleWhoseLinesAllDifferStillPrintsAtMostItsShare() {
        List<String> printed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            // No number in them: every line is a pattern of its own.
            printed.addAll(texts(lines.offer(LogLevel.WARN, WASTE, "Unknown container " + letters(i))));
        }
        assertEquals(10, printed.size(), printed.toString());
        advance(Duration.ofMinutes(1));
        assertEquals(List.of("WARN nl.regie.waste 40 more lines left out in 60 s: this bundle logged over 10 lines in 60 s "
                + "(report)"), texts(lines.due()));
    }

    @Test
    void drainReportsWhatIsOpenWithHowLongItRan() {
        for (int i = 0; i < 4; i++) {
            lines.offer(LogLevel.WARN, WASTE, "Ignored bin-" + i);
        }
        advance(Duration.ofMillis(12_300));
        assertEquals(List.of("WARN nl.regie.waste 1 more like this left out in 13 s, the last: Ignored bin-3 (report)"),
                texts(lines.drain()));
        assertEquals(List.of("WARN nl.regie.waste Ignored bin-4"), texts(lines.offer(LogLevel.WARN, WASTE, "Ignored bin-4")),
                "a drained window is closed");
    }

    @Test
    void numbersInEveryFormAreAlike() {
        for (String message : List.of("got 3", "got -3.25", "got 1e-7", "got +12,5")) {
            lines.offer(LogLevel.WARN, WASTE, message);
        }
        advance(Duration.ofMinutes(1));
        assertEquals(List.of("WARN nl.regie.waste 1 more like this left out in 60 s, the last: got +12,5 (report)"),
                texts(lines.due()));
    }

    @Test
    void aNullMessageIsAnEmptyLine() {
        assertEquals(List.of("WARN nl.regie.waste "), texts(lines.offer(LogLevel.WARN, WASTE, null)));
    }

    @Test
    void settingsThatCouldNotWorkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RepeatedLines(() -> 0, Duration.ZERO, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RepeatedLines(() -> 0, Duration.ofSeconds(1), 0, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RepeatedLines(() -> 0, Duration.ofSeconds(1), 5, 4));
        assertTrue(e.getMessage().contains("burst <= perBundle"), e.getMessage());
    }

    @Test
    void theClockMayStartAnywhereEvenNearItsWrap() {
        long[] clock = {Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(30)};
        RepeatedLines near = new RepeatedLines(() -> clock[0], Duration.ofMinutes(1), 1, 10);
        near.offer(LogLevel.WARN, WASTE, "x 1");
        near.offer(LogLevel.WARN, WASTE, "x 2");
        clock[0] += TimeUnit.SECONDS.toNanos(59);
        assertEquals(List.of(), near.due());
        clock[0] += TimeUnit.SECONDS.toNanos(1);
        assertEquals(List.of("WARN nl.regie.waste 1 more like this left out in 60 s, the last: x 2 (report)"),
                texts(near.due()));
    }

    /** A name without digits, different for every {@code n}. */
    private static String letters(int n) {
        StringBuilder name = new StringBuilder();
        do {
            name.append((char) ('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return name.toString();
    }

    private void advance(Duration duration) {
        now[0] += duration.toNanos();
    }

    private static List<String> texts(List<RepeatedLines.Line> lines) {
        return lines.stream().map(l -> l.level() + " " + l.source() + " " + l.message() + (l.report() ? " (report)" : ""))
                .toList();
    }
}
