package nl.regie.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import org.osgi.service.log.LogLevel;

/**
 * Keeps the console readable whatever a bundle logs: a broken device can make a plugin log thousands of lines a
 * minute, and the operator must still see everyone else's. Lines are grouped by bundle, level and pattern (the message
 * with every number replaced, so {@code bin-017 ... got 3.7} and {@code bin-018 ... got 4.2} are alike). In each
 * window the first {@code burst} lines of a pattern are printed and the rest only counted, and no bundle prints more
 * than {@code perBundle} lines; when the window ends, one line says how many were left out and repeats the last of
 * them. The window is measured on a monotonic clock, never the calendar.
 *
 * <p>Plain Java, not thread-safe on its own: {@link ConsoleLog} calls it under its lock.
 */
final class RepeatedLines {

    /** What the console prints by default: 5 lines of a pattern and 100 of a bundle a minute. */
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int BURST = 5;
    static final int PER_BUNDLE = 100;

    /** Digits, with a sign, decimals or an exponent: what varies between lines that say the same thing. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(?:[.,]\\d+)*(?:[eE][-+]?\\d+)?");

    /** A line to print: a bundle's own, or a report saying how many were left out. */
    record Line(LogLevel level, String source, String message, boolean report) {
    }

    private record Key(String source, LogLevel level, String pattern) {
    }

    /** One pattern's window: when it began, how many lines it printed and left out, and the last left out. */
    private static final class Group {
        final long start;
        int printed;
        long leftOut;
        String last;

        Group(long start) {
            this.start = start;
        }
    }

    /** One bundle's window, for its overall limit. */
    private static final class Budget {
        final long start;
        int printed;
        long leftOut;

        Budget(long start) {
            this.start = start;
        }
    }

    private final LongSupplier nanoClock;
    private final long windowNanos;
    private final int burst;
    private final int perBundle;
    private final Map<Key, Group> groups = new HashMap<>();
    private final Map<String, Budget> budgets = new HashMap<>();
    /** When the first open window ends: before then there is nothing to report. */
    private long nextEnd;

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param window    how long a pattern's and a bundle's count runs before it is reported
     * @param burst     how many lines of one pattern are printed in a window
     * @param perBundle how many lines of one bundle are printed in a window
     */
    RepeatedLines(LongSupplier nanoClock, Duration window, int burst, int perBundle) {
        if (window.isNegative() || window.isZero() || burst < 1 || perBundle < burst) {
            throw new IllegalArgumentException("need a positive window and 1 <= burst <= perBundle: " + window + ", "
                    + burst + ", " + perBundle);
        }
        this.nanoClock = nanoClock;
        this.windowNanos = window.toNanos();
        this.burst = burst;
        this.perBundle = perBundle;
        this.nextEnd = nanoClock.getAsLong() + windowNanos;
    }

    /** With the console's defaults on {@link System#nanoTime()}. */
    static RepeatedLines standard() {
        return new RepeatedLines(System::nanoTime, WINDOW, BURST, PER_BUNDLE);
    }

    /**
     * Takes one line a bundle logged and says what to print now, in order: reports of windows that have ended (this
     * pattern's among them), then the line itself unless it is left out.
     */
    List<Line> offer(LogLevel level, String source, String message) {
        long now = nanoClock.getAsLong();
        List<Line> out = due(now);
        String text = message == null ? "" : message;
        Key key = new Key(source, level, NUMBER.matcher(text).replaceAll("#"));
        Group group = groups.get(key);
        if (group != null && group.printed >= burst) {
            group.leftOut++;
            group.last = text;
            return out;
        }
        Budget budget = budgets.computeIfAbsent(source, s -> opened(new Budget(now)));
        if (budget.printed >= perBundle) {
            budget.leftOut++;
            return out;
        }
        budget.printed++;
        if (group == null) {
            group = new Group(now);
            groups.put(key, group);
            opened(now);
        }
        group.printed++;
        out.add(new Line(level, source, text, false));
        return out;
    }

    private Budget opened(Budget budget) {
        opened(budget.start);
        return budget;
    }

    /** A window opened at {@code start}: it may end before the others. */
    private void opened(long start) {
        if (start + windowNanos - nextEnd < 0) {
            nextEnd = start + windowNanos;
        }
    }

    /** The reports of the windows that have ended by now (for a console that has been quiet since). */
    List<Line> due() {
        return due(nanoClock.getAsLong());
    }

    /** The reports of every window still open, ended or not: what to print before the console goes away. */
    List<Line> drain() {
        return sweep(nanoClock.getAsLong(), true);
    }

    private List<Line> due(long now) {
        return now - nextEnd >= 0 ? sweep(now, false) : new ArrayList<>();
    }

    private List<Line> sweep(long now, boolean all) {
        List<Line> out = new ArrayList<>();
        long earliest = now + windowNanos;
        for (Iterator<Map.Entry<Key, Group>> it = groups.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Key, Group> entry = it.next();
            Group group = entry.getValue();
            if (all || now - group.start >= windowNanos) {
                it.remove();
                if (group.leftOut > 0) {
                    Key key = entry.getKey();
                    out.add(new Line(key.level(), key.source(), group.leftOut + " more like this left out in "
                            + seconds(now, group.start) + ", the last: " + group.last, true));
                }
            } else if (group.start + windowNanos - earliest < 0) {
                earliest = group.start + windowNanos;
            }
        }
        for (Iterator<Map.Entry<String, Budget>> it = budgets.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Budget> entry = it.next();
            Budget budget = entry.getValue();
            if (all || now - budget.start >= windowNanos) {
                it.remove();
                if (budget.leftOut > 0) {
                    out.add(new Line(LogLevel.WARN, entry.getKey(), budget.leftOut + " more lines left out in "
                            + seconds(now, budget.start) + ": this bundle logged over " + perBundle + " lines in "
                            + seconds(budget.start + windowNanos, budget.start), true));
                }
            } else if (budget.start + windowNanos - earliest < 0) {
                earliest = budget.start + windowNanos;
            }
        }
        nextEnd = earliest;
        return out;
    }

    /** Whole seconds from {@code start} to {@code end}, at most a window: how long a count ran. */
    private String seconds(long end, long start) {
        long nanos = Math.min(windowNanos, end - start);
        return (nanos + 999_999_999L) / 1_000_000_000L + " s";
    }
}
