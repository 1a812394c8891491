package nl.regie.mobility;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BandsTest {

    private static final double[] DENSITY = {2.0, 3.5};
    private static final double[] RATIO = {0.67, 0.40, 0.30};

    @Test
    void risingEntersAtTheThresholdAndLeavesBelowItsLoweredValue() {
        assertEquals(0, Bands.rising(1.99, DENSITY, 0.1, 0));
        assertEquals(1, Bands.rising(2.0, DENSITY, 0.1, 0));
        assertEquals(2, Bands.rising(3.5, DENSITY, 0.1, 0));
        assertEquals(1, Bands.rising(1.81, DENSITY, 0.1, 1), "busy is held down to 1.8");
        assertEquals(0, Bands.rising(1.79, DENSITY, 0.1, 1));
        assertEquals(2, Bands.rising(3.16, DENSITY, 0.1, 2), "critical is held down to 3.15");
        assertEquals(1, Bands.rising(3.14, DENSITY, 0.1, 2));
        assertEquals(0, Bands.rising(0.5, DENSITY, 0.1, 2), "a sudden drop goes straight to normal");
        assertEquals(1, Bands.rising(1.9, DENSITY, 0.1, 2), "from critical, busy is held too");
    }

    @Test
    void fallingEntersAtTheThresholdAndLeavesAboveItsRaisedValue() {
        assertEquals(0, Bands.falling(0.68, RATIO, 0.1, 0));
        assertEquals(1, Bands.falling(0.67, RATIO, 0.1, 0));
        assertEquals(2, Bands.falling(0.40, RATIO, 0.1, 0));
        assertEquals(3, Bands.falling(0.30, RATIO, 0.1, 0));
        assertEquals(3, Bands.falling(0.32, RATIO, 0.1, 3), "jammed is held up to 0.33");
        assertEquals(2, Bands.falling(0.34, RATIO, 0.1, 3));
        assertEquals(1, Bands.falling(0.70, RATIO, 0.1, 1), "moderate is held up to 0.737");
        assertEquals(0, Bands.falling(0.74, RATIO, 0.1, 1));
        assertEquals(0, Bands.falling(1.0, RATIO, 0.1, 3));
    }

    @Test
    void noHysteresisIsPlainThresholds() {
        assertEquals(0, Bands.rising(1.99, DENSITY, 0, 1));
        assertEquals(0, Bands.falling(0.671, RATIO, 0, 1));
    }
}
