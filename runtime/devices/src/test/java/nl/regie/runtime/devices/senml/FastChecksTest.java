package nl.regie.runtime.devices.senml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The per-record checks written out by hand for speed say exactly what the rules they replaced say: the name pattern
 * of RFC 8428 §4.5.1, the decimal sum of base time and time, and the look-up of a label.
 */
class FastChecksTest {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:./_-]*");
    private static final String CHARACTERS = "aZ09:./_-!é \u0000\ud800~";
    private static final Instant NOW = Instant.parse("2026-12-08T01:50:00.123456789Z");

    @Test
    void aNameIsValidExactlyWhenThePatternOfTheRfcMatchesIt() {
        List<String> names = new ArrayList<>(List.of("", "urn:ngsi-ld:WasteContainer:bin-001:fillingLevel"));
        for (char a : CHARACTERS.toCharArray()) {
            names.add(String.valueOf(a));
            for (char b : CHARACTERS.toCharArray()) {
                names.add("" + a + b);
                for (char c : CHARACTERS.toCharArray()) {
                    names.add("" + a + b + c);
                }
            }
        }
        for (String name : names) {
            assertEquals(NAME.matcher(name).matches(), PackResolver.validName(name), name);
        }
    }

    @Test
    void wholeTimesGiveTheInstantOfTheDecimalSum() throws SenmlException {
        double[] bases = {0, 1, -1, 1_765_152_000, (1L << 28) - 1, 1L << 28, -(1L << 28), 0x1p51 - 1, -(0x1p51 - 1),
            1e15, -0.0};
        Double[] times = {null, 0.0, 5.0, -5.0, -600.0, (double) (1L << 28), -1_765_152_000.0, 0x1p51 - 1};
        for (double base : bases) {
            for (Double time : times) {
                assertEquals(SenmlTime.decimal(base, time, NOW, 0), SenmlTime.resolve(base, time, NOW, 0),
                        "bt " + base + ", t " + time);
            }
        }
    }

    @Test
    void wholeMillisecondsGiveTheInstantOfTheDecimalSum() throws SenmlException {
        Random random = new Random(20261208);
        for (int i = 0; i < 200_000; i++) {
            // Clocks of today and of the next centuries, in milliseconds, and relative times of up to a day either way.
            double base = (1_000_000_000_000L + (long) (random.nextDouble() * 9_000_000_000_000L)) / 1000.0;
            Double time = random.nextBoolean() ? null : (random.nextInt(172_800_001) - 86_400_000) / 1000.0;
            assertEquals(SenmlTime.decimal(base, time, NOW, 0), SenmlTime.resolve(base, time, NOW, 0),
                    "bt " + base + ", t " + time);
            double relative = (random.nextInt(2_000_000_001) - 1_000_000_000) / 1000.0;
            assertEquals(SenmlTime.decimal(relative, null, NOW, 0), SenmlTime.resolve(relative, null, NOW, 0),
                    "bt " + relative);
        }
        double limit = (1L << 28) * 1000 - 1;
        assertEquals(SenmlTime.decimal(limit / 1000, null, NOW, 0), SenmlTime.resolve(limit / 1000, null, NOW, 0));
        assertEquals(SenmlTime.decimal(0x1p28 + 0.001, null, NOW, 0), SenmlTime.resolve(0x1p28 + 0.001, null, NOW, 0));
    }

    @Test
    void timesFinerThanAMillisecondAndHugeOnesTakeTheDecimalPath() throws SenmlException {
        assertEquals(Instant.parse("2010-06-08T18:01:11.001Z"), SenmlTime.resolve(1.276020076001e9, -5.0, NOW, 0));
        assertEquals(NOW.plusNanos(150_000), SenmlTime.resolve(1.5e-4, null, NOW, 0));
        assertEquals(SenmlTime.decimal(0x1p52, null, NOW, 0), SenmlTime.resolve(0x1p52, null, NOW, 0));
    }

    @Test
    void everyLabelFindsItsFieldAndNothingElseFindsOne() {
        for (Field field : Field.values()) {
            assertEquals(field, Field.byLabel(new String(field.label().toCharArray())), field.label());
        }
        for (String other : List.of("", "x", "bverr", "bve", "BN", "vv", "é", "\u0000", "n ", " n", "ver", "bnn")) {
            assertEquals(null, Field.byLabel(other), other);
        }
    }
}
