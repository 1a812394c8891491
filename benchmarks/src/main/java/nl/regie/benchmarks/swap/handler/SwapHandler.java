package nl.regie.benchmarks.swap.handler;

import java.util.function.ObjLongConsumer;

import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The standard alternative's plugin: a plain EventAdmin handler, updated with {@code Bundle.update}. It knows
 * nothing of Regie; it hands each event's sequence number, with its bundle version, to the benchmark's recorder
 * (a JDK-typed service registered from outside). Packaged into a bundle at run time.
 */
@Component(service = EventHandler.class, property = EventConstants.EVENT_TOPIC + "=WasteContainer/*")
public class SwapHandler implements EventHandler {

    /** The event property holding the sequence number. */
    public static final String SEQUENCE = "seq";

    private final ObjLongConsumer<String> recorder;
    private final String version;

    /** Binds the benchmark's recorder. */
    @Activate
    public SwapHandler(@Reference(service = ObjLongConsumer.class, target = "(regie.swap.recorder=eventadmin)")
            ObjLongConsumer<String> recorder) {
        this.recorder = recorder;
        this.version = FrameworkUtil.getBundle(SwapHandler.class).getVersion().toString();
    }

    @Override
    public void handleEvent(Event event) {
        recorder.accept(version, (Long) event.getProperty(SEQUENCE));
    }
}
