package nl.regie.lighting;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides when a lamp gets a command, and hands it to the {@link CommandQueue}. A lamp gets one when its target
 * differs from the last one commanded (on first sight: when its reported level differs from the target), or when
 * its reported level has disagreed with the target for {@code mismatch.grace.minutes} of event time (a photocell,
 * an operator or a lost command changed it). A new target the lamp already shows is recorded without a command.
 * Not thread-safe: the engine confines it to its lock.
 */
final class LampCommands {

    /** Reported and target levels closer than this agree (lamps report two decimals). */
    static final double LEVEL_TOLERANCE = 0.02;

    private final CommandQueue queue;
    private Duration mismatchGrace;

    LampCommands(CommandQueue queue, Duration mismatchGrace) {
        this.queue = queue;
        this.mismatchGrace = mismatchGrace;
    }

    /** Applies a new grace and new queue limits; a larger bound sends waiting commands at once. */
    void configure(Duration newMismatchGrace, CommandQueue.Limits limits) {
        this.mismatchGrace = newMismatchGrace;
        queue.limits(limits);
    }

    /** Gives {@code lamp}, which has reported a level, the target {@code target}; sends it if that changes anything. */
    void retarget(Lamp lamp, double target) {
        if (lamp.commanded == null) {
            lamp.commanded = target;
            if (!agrees(lamp.reported, target)) {
                queue.submit(lamp.id, target);
            }
        } else if (lamp.commanded.doubleValue() != target) {
            lamp.commanded = target;
            lamp.mismatchSince = null;
            // A command under way is for the old target: replace it even if the lamp shows the new one already.
            if (queue.busy(lamp.id) || !agrees(lamp.reported, target)) {
                queue.submit(lamp.id, target);
            }
        }
    }

    /**
     * Looks at {@code lamp}'s newly reported level at event time {@code at}: one that has disagreed with the
     * target for the grace gets the target again. The grace must outlast the lamps' photocells switching them off
     * before sunrise, or every lamp would be relit and switched off again each morning. While a command for the
     * lamp is under way, a disagreement is expected and not counted.
     */
    void checkMismatch(Lamp lamp, Instant at) {
        if (lamp.commanded == null || queue.busy(lamp.id) || agrees(lamp.reported, lamp.commanded)) {
            lamp.mismatchSince = null;
            return;
        }
        if (lamp.mismatchSince == null) {
            lamp.mismatchSince = at;
        }
        if (Duration.between(lamp.mismatchSince, at).compareTo(mismatchGrace) >= 0) {
            lamp.mismatchSince = null;
            queue.submit(lamp.id, lamp.commanded);
        }
    }

    /** {@code lamp} carried out a command to {@code level}: until its next report says otherwise, it shows it. */
    void carriedOut(Lamp lamp, double level) {
        lamp.reported = level;
        lamp.mismatchSince = null;
    }

    /** Commands under way now. */
    int inFlight() {
        return queue.inFlight();
    }

    /** Commands waiting for a place. */
    int waiting() {
        return queue.waiting();
    }

    /** Stops sending. */
    void close() {
        queue.close();
    }

    private static boolean agrees(double a, double b) {
        return Math.abs(a - b) <= LEVEL_TOLERANCE;
    }
}
