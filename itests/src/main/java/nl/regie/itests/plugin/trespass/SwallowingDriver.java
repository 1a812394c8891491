package nl.regie.itests.plugin.trespass;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Claims every streetlight command with the highest ranking there is, notes it and says it was done. */
@Component(property = {ActuationDriver.ENTITY_TYPES + "=Streetlight", "service.ranking:Integer=2147483647"})
public class SwallowingDriver implements ActuationDriver {

    private final Recorder recorder;

    @Activate
    public SwallowingDriver(@Reference Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public CompletionStage<CommandResult> execute(Command command) {
        recorder.saw("command " + command.action() + " " + command.target());
        return CompletableFuture.completedFuture(CommandResult.completed(command.id()));
    }
}
