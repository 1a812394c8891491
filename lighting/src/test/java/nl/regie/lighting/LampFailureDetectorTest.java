package nl.regie.lighting;

import static nl.regie.lighting.LampFailureDetector.Change.FAILED;
import static nl.regie.lighting.LampFailureDetector.Change.NONE;
import static nl.regie.lighting.LampFailureDetector.Change.RECOVERED;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import nl.regie.api.model.EntityId;

import org.junit.jupiter.api.Test;

class LampFailureDetectorTest {

    private static final EntityId LAMP = EntityId.of("Streetlight", "lamp-007");

    private final LampFailureDetector detector = new LampFailureDetector(1.0, 2);

    @Test
    void onButDrawingNothingOnTwoReportsInARowIsAFailure() {
        assertEquals(NONE, detector.report(LAMP, true, 0.3, 0.0));
        assertEquals(FAILED, detector.report(LAMP, true, 0.3, 0.0));
        assertEquals(NONE, detector.report(LAMP, true, 0.3, 0.0), "raised once");
        assertTrue(detector.failed(LAMP));
    }

    @Test
    void drawingPowerAgainIsARecovery() {
        detector.report(LAMP, true, 1.0, 0.2);
        detector.report(LAMP, true, 1.0, 0.2);
        assertEquals(RECOVERED, detector.report(LAMP, true, 1.0, 42.0));
        assertFalse(detector.failed(LAMP));
    }

    @Test
    void anOffReportBreaksTheStreakButDoesNotEndAFailure() {
        detector.report(LAMP, true, 1.0, 0.0);
        assertEquals(NONE, detector.report(LAMP, false, 0.0, 0.0));
        assertEquals(NONE, detector.report(LAMP, true, 1.0, 0.0), "the streak started again");
        assertEquals(FAILED, detector.report(LAMP, true, 1.0, 0.0));
        assertEquals(NONE, detector.report(LAMP, false, 0.0, 0.0));
        assertTrue(detector.failed(LAMP), "off by day proves nothing");
    }

    @Test
    void aHealthyLampNeverFails() {
        for (int i = 0; i < 10; i++) {
            assertEquals(NONE, detector.report(LAMP, true, 0.3, 15.0));
        }
    }

    @Test
    void thresholdsFollowTheSettings() {
        detector.configure(20.0, 3);
        detector.report(LAMP, true, 0.3, 15.0);
        assertEquals(NONE, detector.report(LAMP, true, 0.3, 15.0));
        assertEquals(FAILED, detector.report(LAMP, true, 0.3, 15.0));
    }

    @Test
    void aFailureKnownFromBeforeARestartCanRecover() {
        detector.knownFailed(LAMP);
        assertEquals(RECOVERED, detector.report(LAMP, true, 1.0, 60.0));
    }
}
