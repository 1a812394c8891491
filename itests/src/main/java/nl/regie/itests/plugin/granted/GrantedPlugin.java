package nl.regie.itests.plugin.granted;

import java.util.function.Function;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.NotificationRequest;
import nl.regie.api.notify.Notifications;
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
    private final Notifications notifications;

    @Activate
    public GrantedPlugin(@Reference Recorder recorder, @Reference Notifications notifications) {
        this.recorder = recorder;
        this.notifications = notifications;
    }

    /**
     * {@code seen}: what its services saw; {@code warn}: sends a resident warning of its own, as a plugin of the party
     * its key acts for (the test signs it with the city's).
     */
    @Override
    public String apply(String question) {
        switch (question) {
            case "seen" -> {
                return String.join(",", recorder.seen());
            }
            case "warn" -> {
                notifications.send(new NotificationRequest("Flood warning", "Sandbags at the Amstel", new Audience(
                        Location.of(4.9012, 52.3601), 500, "around the Amstel gauge"), null));
                return "sent";
            }
            default -> throw new IllegalArgumentException("unknown question " + question);
        }
    }
}
