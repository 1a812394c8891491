package nl.regie.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The devices' answers to commands. A command arrives on {@code .../cmd/{commandId}} as a JSON object
 * ({@code id}, {@code target}, {@code action}, {@code parameters}, {@code deadline}); the device answers on
 * {@code .../ack/{commandId}} with {@code {"status":"completed"}} or {@code {"status":"rejected","reason":"..."}}.
 *
 * <p>A command that is malformed, aimed at another entity, past its deadline or not understood is rejected with a
 * reason that says so. Of the valid ones, a share ({@link SimulatorSettings#ackRejectShare()}) is rejected with a
 * reason a real controller gives, and another ({@link SimulatorSettings#ackLateShare()}) is carried out at once
 * but acknowledged only after its deadline. Deadlines are wall-clock times, as the runtime keeps them. A device
 * whose state a command changed reports at once. Runs on the simulator's scheduler thread.
 */
final class CommandHandler {

    private static final List<String> REFUSALS = List.of(
            "controller busy, try again later",
            "no answer from the lamp driver",
            "command queue of the controller is full");

    private final double rejectShare;
    private final double lateShare;
    private final SplittableRandom acks;
    private final SimClock clock;
    private final Topics topics;
    private final Telemetry telemetry;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong commands = new AtomicLong();
    private volatile boolean stopped;

    /** Answers as {@code settings} say, in the devices' simulated time, reporting changes through {@code telemetry}. */
    CommandHandler(SimulatorSettings settings, SimClock clock, Topics topics, Telemetry telemetry,
            ScheduledExecutorService scheduler) {
        this.rejectShare = settings.ackRejectShare();
        this.lateShare = settings.ackLateShare();
        this.acks = new SplittableRandom(Patterns.mix(settings.seed() ^ 0xACCL));
        this.clock = clock;
        this.topics = topics;
        this.telemetry = telemetry;
        this.scheduler = scheduler;
    }

    /** Carries out, or refuses, a command {@code device} received on {@code link}, and answers it (scheduler thread only). */
    void handle(MqttLink link, SimDevice device, String commandId, byte[] payload) {
        if (stopped) {
            return;
        }
        commands.incrementAndGet();
        Instant deadline = null;
        SimDevice.Outcome outcome;
        boolean ackLate = false;
        try {
            Object parsed = JsonCodec.parse(payload);
            if (!(parsed instanceof Map<?, ?> command)) {
                throw new IllegalArgumentException("a command is a JSON object");
            }
            deadline = deadline(command.get("deadline"));
            outcome = check(device, commandId, command, deadline);
            if (outcome == null) {
                double roll = acks.nextDouble();
                if (roll < rejectShare) {
                    outcome = SimDevice.Outcome.rejected(REFUSALS.get(acks.nextInt(REFUSALS.size())));
                } else {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> parameters = command.get("parameters") == null ? Map.of()
                            : (Map<String, Object>) command.get("parameters");
                    long now = clock.now();
                    device.advanceTo(now);
                    outcome = device.execute((String) command.get("action"), parameters, now);
                    ackLate = outcome.completed() && deadline != null && roll < rejectShare + lateShare;
                }
            }
        } catch (IllegalArgumentException e) {
            outcome = SimDevice.Outcome.rejected("malformed command: " + e.getMessage());
        }
        acknowledge(link, topics.ack(device.id(), commandId), outcome.toJson(), ackLate ? deadline : null);
        if (outcome.completed()) {
            // A controller reports its new state at once.
            for (SimDevice changed : device.affectedBy()) {
                telemetry.report(changed);
            }
            if (!device.affectedBy().contains(device)) {
                telemetry.report(device);
            }
        }
    }

    /** Answers nothing more; late acknowledgements still scheduled are not sent. Any thread. */
    void stop() {
        stopped = true;
    }

    /** How many commands arrived. */
    long commands() {
        return commands.get();
    }

    /** Sends the acknowledgement now, or, with a {@code lateAfter} deadline, half a second to two seconds after it. */
    private void acknowledge(MqttLink link, String topic, String ack, Instant lateAfter) {
        if (lateAfter == null) {
            link.send(topic, ack, 1, false, false);
            return;
        }
        long delay = Math.max(0, Duration.between(Instant.now(), lateAfter).toMillis()) + 500 + acks.nextInt(1500);
        scheduler.schedule(() -> {
            if (!stopped) {
                link.send(topic, ack, 1, false, false);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** What is wrong with a command for {@code device}, or {@code null} if it can be carried out. */
    private static SimDevice.Outcome check(SimDevice device, String commandId, Map<?, ?> command, Instant deadline) {
        Object id = command.get("id");
        if (id != null && !commandId.equals(id)) {
            return SimDevice.Outcome.rejected("the command's id " + id + " is not the command id in its topic, "
                    + commandId);
        }
        Object target = command.get("target");
        if (!device.entity().equals(target)) {
            return SimDevice.Outcome.rejected(target == null ? "the command has no target"
                    : "target " + target + " is not served by device " + device.id() + " (it serves "
                            + device.entity() + ")");
        }
        if (!(command.get("action") instanceof String)) {
            return SimDevice.Outcome.rejected("the command has no action");
        }
        Object parameters = command.get("parameters");
        if (parameters != null && !(parameters instanceof Map)) {
            return SimDevice.Outcome.rejected("the command's parameters must be a JSON object");
        }
        if (deadline != null && Instant.now().isAfter(deadline)) {
            return SimDevice.Outcome.rejected("its deadline " + deadline + " has passed");
        }
        return null;
    }

    private static Instant deadline(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("the deadline must be an ISO-8601 date-time string");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the deadline \"" + text + "\" is not an ISO-8601 date-time with an offset");
        }
    }
}
