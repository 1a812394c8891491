package nl.regie.itests.plugin.trespass;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** A notifier that keeps every resident warning it is given. */
@Component
public class Eavesdropper implements Notifier {

    private final Recorder recorder;

    @Activate
    public Eavesdropper(@Reference Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void deliver(Notification notification) {
        recorder.saw("notification " + notification.subject());
    }
}
