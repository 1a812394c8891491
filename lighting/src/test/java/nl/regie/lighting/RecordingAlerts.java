package nl.regie.lighting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.Alerts;

/** An {@link Alerts} that keeps what it is told, as the runtime would for one plugin. */
final class RecordingAlerts implements Alerts {

    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    final List<AlertRequest> raised = new ArrayList<>();
    final List<String> resolved = new ArrayList<>();

    @Override
    public Alert raise(AlertRequest request) {
        raised.add(request);
        Alert known = alerts.get(request.key());
        Instant from = known != null && known.active() ? known.validFrom() : request.observedAt();
        Alert alert = new Alert(request.alertId(), request.category(), request.subCategory(), request.severity(),
                request.description(), request.about(), request.location(), from, null, request.observedAt(),
                LightingComponent.SYMBOLIC_NAME);
        alerts.put(request.key(), alert);
        return alert;
    }

    @Override
    public Optional<Alert> resolve(String key, Instant at) {
        Alert known = alerts.get(key);
        if (known == null || !known.active()) {
            return Optional.empty();
        }
        resolved.add(key);
        Alert done = new Alert(known.id(), known.category(), known.subCategory(), known.severity(), known.description(),
                known.about(), known.location(), known.validFrom(), at, at, known.source());
        alerts.put(key, done);
        return Optional.of(done);
    }

    @Override
    public List<Alert> active() {
        return alerts.values().stream().filter(Alert::active).toList();
    }

    /** The alert with that key, active or resolved. */
    Optional<Alert> get(String key) {
        return Optional.ofNullable(alerts.get(key));
    }

    boolean isActive(String key) {
        return get(key).map(Alert::active).orElse(false);
    }

    @Override
    public synchronized List<Alert> own() {
        return active();
    }
}
