package nl.regie.itests.plugin.granted;

import java.util.function.Function;

import nl.regie.api.scope.PluginScope;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that registers services others trust the way the operator allows: a driver for flood gates, a notifier
 * (an SMS gateway), and a dashboard servlet under {@code /acme}, each declared and granted by the test's policy. The
 * test asks it what its services saw through a {@code Function<String, String>} service ({@code seen}).
 */
@Component(immediate = true, property = "regie.itests.role=granted")
@PluginScope(drives = "FloodGate", notifies = "*", serves = "/acme")
public class GrantedPlugin implements Function<String, String> {

    /** The symbolic name the test installs it under. */
    public static final String NAME = "nl.regie.itests.granted";

    private final Recorder recorder;

    @Activate
    public GrantedPlugin(@Reference Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public String apply(String question) {
        if (!question.equals("seen")) {
            throw new IllegalArgumentException("unknown question " + question);
        }
        return String.join(",", recorder.seen());
    }
}
