package nl.regie.mobility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FreeSpeedLearnerTest {

    @Test
    void learnsNothingBeforeADaysWorth() {
        FreeSpeedLearner learner = new FreeSpeedLearner();
        for (int i = 1; i < FreeSpeedLearner.MIN_SAMPLES; i++) {
            learner.add(30);
        }
        assertTrue(learner.freeSpeed().isEmpty());
        learner.add(30);
        assertEquals(30, learner.freeSpeed().getAsDouble());
    }

    @Test
    void jamsAndSpeedersDoNotMoveIt() {
        FreeSpeedLearner learner = new FreeSpeedLearner();
        for (int i = 0; i < 1000; i++) {
            // 20% jammed at 6 km/h, 70% free around 30, 10% lone fast cars at 70.
            learner.add(i % 10 < 2 ? 6 : i % 10 < 9 ? 29 + i % 3 : 70);
        }
        double learned = learner.freeSpeed().getAsDouble();
        assertTrue(learned >= 29 && learned <= 31, "learned " + learned);
    }

    @Test
    void forgetsWhatFallsOutOfTheWindow() {
        FreeSpeedLearner learner = new FreeSpeedLearner();
        for (int i = 0; i < FreeSpeedLearner.WINDOW; i++) {
            learner.add(50);
        }
        for (int i = 0; i < FreeSpeedLearner.WINDOW; i++) {
            learner.add(30);
        }
        assertEquals(FreeSpeedLearner.WINDOW, learner.samples());
        assertEquals(30, learner.freeSpeed().getAsDouble());
    }
}
