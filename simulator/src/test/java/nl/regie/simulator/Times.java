package nl.regie.simulator;

import java.time.LocalDateTime;

/** Amsterdam local times as epoch milliseconds, for tests. */
final class Times {

    static final long MINUTE = Patterns.MINUTE;
    static final long HOUR = Patterns.HOUR;
    static final long DAY = Patterns.DAY;

    /** Monday 22 June 2026, 00:00 in Amsterdam (summer time). */
    static final long MONDAY_JUNE = local("2026-06-22T00:00");
    /** Saturday 20 June 2026, 00:00 in Amsterdam. */
    static final long SATURDAY_JUNE = local("2026-06-20T00:00");
    /** Monday 12 January 2026, 00:00 in Amsterdam (winter time). */
    static final long MONDAY_JANUARY = local("2026-01-12T00:00");

    private Times() {
    }

    static long local(String dateTime) {
        return LocalDateTime.parse(dateTime).atZone(Patterns.ZONE).toInstant().toEpochMilli();
    }
}
