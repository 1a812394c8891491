package nl.regie.testkit;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.Alerts;

/**
 * The plugin's {@link Alerts}: the runtime's own, which decides everything, noting each change it made, for
 * {@link RegieTestKit#alertChanges()}.
 */
final class ChangeRecordingAlerts implements Alerts {

    private final Alerts runtime;
    private final List<Alert> changes;
    private final Map<String, Alert> last = new HashMap<>();

    ChangeRecordingAlerts(Alerts runtime, List<Alert> changes) {
        this.runtime = runtime;
        this.changes = changes;
    }

    @Override
    public synchronized Alert raise(AlertRequest request) {
        Alert alert = runtime.raise(request);
        if (!alert.equals(last.put(alert.key(), alert))) {
            changes.add(alert);
        }
        return alert;
    }

    @Override
    public synchronized Optional<Alert> resolve(String key, Instant at) {
        Optional<Alert> resolved = runtime.resolve(key, at);
        resolved.ifPresent(alert -> {
            last.put(key, alert);
            changes.add(alert);
        });
        return resolved;
    }

    @Override
    public List<Alert> active() {
        return runtime.active();
    }

    @Override
    public List<Alert> own() {
        return runtime.own();
    }
}
