package nl.regie.lighting;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandState;
import nl.regie.api.model.Value;
import nl.regie.testkit.RegieTestKit;
import nl.regie.testkit.TestDriver;

/**
 * The streetlights as the tests play them, on the test kit: the kit's driver for {@code Streetlight} holds every
 * command open until the test answers it, the kit's clock dates the commands, and the kit's scheduler runs the plugin's
 * own timed work (outcomes, retries). Only a reading of the kit: what lighting sent, in the order it sent it, and the
 * answers the test gives.
 */
final class Streetlights {

    /** A command lighting sent, and the test's way to answer it. */
    record Sent(Command command, Streetlights lights) {

        double level() {
            return ((Value.Number) command.parameters().get("level")).value();
        }

        String lamp() {
            return command.target().localId();
        }

        /**
         * Ends the command: the lamp answers {@code COMPLETED}, {@code REJECTED} or {@code FAILED}; {@code EXPIRED}
         * moves the clock to its deadline, where the runtime ends it so.
         */
        void complete(CommandState state) {
            lights.answer(this, state);
        }
    }

    private final RegieTestKit kit;
    private final TestDriver driver;
    private int drained;

    Streetlights(RegieTestKit kit) {
        this.kit = kit;
        this.driver = kit.drive(LightingEngine.STREETLIGHT).answersNothing();
    }

    /** The plugin's scheduler, on the kit's: what the component would run on its own thread. */
    TaskScheduler scheduler() {
        return new TaskScheduler() {
            @Override
            public void execute(Runnable task) {
                kit.scheduler().execute(task);
            }

            @Override
            public void schedule(Runnable task, Duration delay) {
                kit.scheduler().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        };
    }

    /** Every command sent since the last {@link #drain}, in the order lighting sent them, once each has arrived. */
    List<Sent> sent() {
        kit.settle();
        List<Command> all = kit.commands();
        return all.subList(Math.min(drained, all.size()), all.size()).stream().map(c -> new Sent(c, this)).toList();
    }

    /** The last command sent. */
    Sent last() {
        List<Sent> sent = sent();
        if (sent.isEmpty()) {
            throw new IllegalStateException("no command sent");
        }
        return sent.get(sent.size() - 1);
    }

    /** The commands not ended yet, drained ones included, in the order they were sent. */
    List<Sent> pending() {
        kit.settle();
        Set<String> open = driver.open().stream().map(Command::id).collect(Collectors.toSet());
        return kit.commands().stream().filter(c -> open.contains(c.id())).map(c -> new Sent(c, this)).toList();
    }

    /** The commands sent since the last drain, which {@link #sent} forgets from now on. */
    List<Sent> drain() {
        List<Sent> sent = sent();
        drained += sent.size();
        return sent;
    }

    /** Runs the plugin's work due now (the outcomes that came in), as its scheduler thread would. */
    void runReady() {
        kit.settle();
        kit.scheduler().runDue();
        kit.settle();
    }

    /** Moves the kit's clock on, running the runtime's deadlines and the plugin's retries as they fall due. */
    void advance(Duration by) {
        kit.settle();
        kit.clock().advance(by);
        kit.settle();
    }

    /** The kit clock's time now: what the commands' deadlines count from. */
    Instant now() {
        return kit.clock().instant();
    }

    private void answer(Sent sent, CommandState state) {
        if (state == CommandState.EXPIRED) {
            Instant deadline = sent.command().deadline();
            if (deadline.isAfter(now())) {
                kit.settle();
                kit.clock().moveTo(deadline);
            }
            return;
        }
        driver.answer(sent.command().id(), state, state == CommandState.COMPLETED ? "" : "test says " + state);
    }
}
