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
    private static final long RELATIVE_SECONDS = 1L << 28;
    /** Whole doubles below this are exact, and so is the sum of two of them. */
    private static final double WHOLE_LIMIT = 0x1p51;
    /** Below this a double is less than a millisecond from the next, and whole milliseconds fit a long exactly. */
    private static final double MILLIS_LIMIT = 0x1p42;
    private static final long NOT_MILLIS = Long.MIN_VALUE;

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
        // Whole seconds, the common case (a device's clock in bt, no t or a whole t), need no decimal arithmetic:
        // the sum of two whole doubles below 2^52 is exact, and the same instant as the decimal sum.
        double t = time == null ? 0 : time;
        if (baseTime == Math.rint(baseTime) && t == Math.rint(t) && Math.abs(baseTime) < WHOLE_LIMIT
                && Math.abs(t) < WHOLE_LIMIT) {
            long seconds = (long) baseTime + (long) t;
            try {
                return seconds < RELATIVE_SECONDS ? receivedAt.plusSeconds(seconds) : Instant.ofEpochSecond(seconds);
            } catch (ArithmeticException | DateTimeException e) {
                throw SenmlException.inRecord(index, "time " + seconds + " s (bt + t) is out of range");
            }
        }
        // Whole milliseconds, as most devices with a clock write them: exact in longs of milliseconds. Below 2^42 s two
        // decimals of at most three places are more than a double's step apart, so the one that rounds to the double
        // is the decimal form the decimal path reads too.
        long baseMillis = millis(baseTime);
        long millis = millis(t);
        if (baseMillis != NOT_MILLIS && millis != NOT_MILLIS) {
            long sum = baseMillis + millis;
            return sum < RELATIVE_SECONDS * 1000 ? receivedAt.plusMillis(sum) : Instant.ofEpochMilli(sum);
        }
        return decimal(baseTime, time, receivedAt, index);
    }

    /** The number of milliseconds a time in seconds is, or {@link #NOT_MILLIS} when it is not a whole number of them. */
    private static long millis(double seconds) {
        if (!(Math.abs(seconds) < MILLIS_LIMIT)) {
            return NOT_MILLIS;
        }
        double millis = Math.rint(seconds * 1000);
        return millis / 1000 == seconds ? (long) millis : NOT_MILLIS;
    }

    /** The instant by decimal arithmetic: any finite times, whole or not. */
    static Instant decimal(double baseTime, Double time, Instant receivedAt, int index) throws SenmlException {
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
