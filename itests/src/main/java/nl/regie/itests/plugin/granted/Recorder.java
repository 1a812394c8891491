package nl.regie.itests.plugin.granted;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.osgi.service.component.annotations.Component;

/** What the plugin's services got to see, shared by them (a service of the plugin's own class, for its own use). */
@Component(service = Recorder.class)
public class Recorder {

    private final Queue<String> seen = new ConcurrentLinkedQueue<>();

    /** Notes one thing seen. */
    public void saw(String what) {
        seen.add(what);
    }

    /** Everything seen so far, in order. */
    public List<String> seen() {
        return List.copyOf(seen);
    }
}
