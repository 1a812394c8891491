package nl.regie.runtime.devices.senml;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/** Turns a resolved SenML time (base time + time, in seconds) into an instant, by RFC 8428 §4.5.3. */
final class SenmlTime {

    /** Times below 2^28 s (about 8.5 years) are relative to "now"; from it on they count from the Unix epoch. */
    static final BigDecimal RELATIVE_LIMIT = BigDecimal.valueOf(1L << 28);

    private SenmlTime() {
    }

    /**
     * The instant of a record.
     *
     * @param baseTime   the base time in effect, 0 if none
     * @param time       the record's own time, or {@code null} if it has none
     * @param receivedAt "now": the instant relative times count from
     * @throws SenmlException if the instant is beyond what {@link Instant} can hold
     */
    static Instant resolve(double baseTime, Double time, Instant receivedAt, int index) throws SenmlException {
        // Adding the shortest decimal forms of the two doubles keeps what the device wrote: bt 1.276020076001e9
        // with t -5 lands on .001 s exactly, where double arithmetic would be some hundred nanoseconds off.
        // Both operands come from finite doubles, so their scales are bounded and the arithmetic stays cheap.
        BigDecimal seconds = BigDecimal.valueOf(baseTime);
        if (time != null) {
            seconds = seconds.add(BigDecimal.valueOf(time));
        }
        try {
            Duration offset = toDuration(seconds);
            return seconds.compareTo(RELATIVE_LIMIT) < 0 ? receivedAt.plus(offset) : Instant.EPOCH.plus(offset);
        } catch (ArithmeticException | DateTimeException e) {
            throw SenmlException.inRecord(index, "time " + seconds + " s (bt + t) is out of range");
        }
    }

    /** Seconds as a duration, rounded to the nanosecond. */
    private static Duration toDuration(BigDecimal seconds) {
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        return Duration.ofSeconds(whole.longValueExact(), nanos);
    }
}
