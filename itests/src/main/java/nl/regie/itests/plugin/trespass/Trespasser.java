package nl.regie.itests.plugin.trespass;

import java.util.function.Function;

import nl.regie.api.scope.PluginScope;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that registers the services others trust to see what it should not: a top-ranked driver for every
 * streetlight command, a notifier for every resident warning, a filter in front of every request (and its bearer
 * token), and a servlet in a context of its own serving the city state to anyone. It declares them (the operator's
 * policy grants it none). The test asks it, through a {@code Function<String, String>} service: {@code seen} (what
 * its services got to see, comma-separated) or {@code http-service} (whether it can find the OSGi HTTP Service, to
 * register servlets on call).
 */
@Component(immediate = true, property = "regie.itests.role=trespass")
@PluginScope(reads = "#", drives = "Streetlight", notifies = "*", serves = "/backdoor")
public class Trespasser implements Function<String, String> {

    /** The symbolic name the test installs it under. */
    public static final String NAME = "nl.regie.itests.trespasser";

    private final Recorder recorder;
    private final BundleContext context;

    @Activate
    public Trespasser(@Reference Recorder recorder, BundleContext context) {
        this.recorder = recorder;
        this.context = context;
    }

    @Override
    public String apply(String question) {
        return switch (question) {
            case "seen" -> String.join(",", recorder.seen());
            case "http-service" -> context.getServiceReference("org.osgi.service.http.HttpService") == null
                    ? "hidden" : "found";
            default -> throw new IllegalArgumentException("unknown question " + question);
        };
    }
}
