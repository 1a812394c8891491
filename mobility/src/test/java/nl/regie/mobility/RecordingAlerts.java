package nl.regie.mobility;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.Alerts;

/** Alerts that keeps the active ones and records every raise and every resolve that resolved something. */
final class RecordingAlerts implements Alerts {

    final Map<String, Alert> active = new LinkedHashMap<>();
    final List<AlertRequest> raised = new ArrayList<>();
    final List<String> resolved = new ArrayList<>();

    @Override
    public Alert raise(AlertRequest request) {
        raised.add(request);
        Alert previous = active.get(request.key());
        Alert alert = new Alert(request.alertId(), request.category(), request.subCategory(), request.severity(),
                request.description(), request.about(), request.location(),
                previous != null ? previous.validFrom() : request.observedAt(), null, request.observedAt(), Settings.PID);
        active.put(request.key(), alert);
        return alert;
    }

    @Override
    public Optional<Alert> resolve(String key, Instant at) {
        Alert alert = active.remove(key);
        if (alert == null) {
            return Optional.empty();
        }
        resolved.add(key);
        return Optional.of(new Alert(alert.id(), alert.category(), alert.subCategory(), alert.severity(),
                alert.description(), alert.about(), alert.location(), alert.validFrom(), at, at, alert.source()));
    }

    @Override
    public List<Alert> active() {
        return List.copyOf(active.values());
    }

    /** Puts an active alert in place, as if an earlier run of the plugin had left it. */
    void leftOver(String key) {
        raise(new AlertRequest(key, "security", "", nl.regie.api.alert.AlertSeverity.HIGH, "left over", null, null,
                Instant.EPOCH));
        raised.clear();
    }

    @Override
    public synchronized List<Alert> own() {
        return active();
    }
}
