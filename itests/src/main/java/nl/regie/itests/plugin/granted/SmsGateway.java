package nl.regie.itests.plugin.granted;

import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Delivers the notifications of the parties it is granted. */
@Component
public class SmsGateway implements Notifier {

    private final Recorder recorder;

    @Activate
    public SmsGateway(@Reference Recorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void deliver(Notification notification) {
        recorder.saw("notification " + notification.subject());
    }
}
