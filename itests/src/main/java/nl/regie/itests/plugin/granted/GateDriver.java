package nl.regie.itests.plugin.granted;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Carries out flood gate commands: the type its scope declares and the operator grants. */
@Component(property = ActuationDriver.ENTITY_TYPES + "=FloodGate")
public class GateDriver implements ActuationDriver {

    private final Recorder recorder;

    @Activate
    public GateDriver(@Reference Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public CompletionStage<CommandResult> execute(Command command) {
        recorder.saw("command " + command.action() + " " + command.target());
        return CompletableFuture.completedFuture(CommandResult.completed(command.id()));
    }
}
