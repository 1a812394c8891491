package nl.regie.waste;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.Alerts;

/** Alerts that records every raise and resolve and keeps the active ones, as the runtime would. */
final class RecordingAlerts implements Alerts {

    final List<AlertRequest> raised = new ArrayList<>();
    final List<String> resolved = new ArrayList<>();
    final Map<String, Alert> active = new LinkedHashMap<>();

    @Override
    public synchronized Alert raise(AlertRequest request) {
        raised.add(request);
        Alert old = active.get(request.key());
        Alert alert = new Alert(request.alertId(), request.category(), request.subCategory(), request.severity(),
                request.description(), request.about(), request.location(),
                old != null ? old.validFrom() : request.observedAt(), null, request.observedAt(), BinMonitor.SOURCE);
        active.put(request.key(), alert);
        return alert;
    }

    @Override
    public synchronized Optional<Alert> resolve(String key, Instant at) {
        Alert alert = active.remove(key);
        if (alert == null) {
            return Optional.empty();
        }
        resolved.add(key);
        return Optional.of(alert);
    }

    @Override
    public synchronized List<Alert> active() {
        return List.copyOf(active.values());
    }

    @Override
    public synchronized List<Alert> own() {
        return active();
    }
}
