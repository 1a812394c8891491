package nl.dijkwacht.flood;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertRequest;
import nl.regie.api.alert.Alerts;

/** Alerts as the runtime keeps them, for one plugin, recording every call. */
final class RecordingAlerts implements Alerts {

    final List<AlertRequest> raised = new ArrayList<>();
    final List<String> resolved = new ArrayList<>();
    final Map<String, Alert> active = new LinkedHashMap<>();
    /** When set, {@link #raise} throws as the runtime does when another plugin holds the key. */
    String heldByAnotherPlugin;

    @Override
    public Alert raise(AlertRequest request) {
        if (request.key().equals(heldByAnotherPlugin)) {
            throw new IllegalStateException("alert " + request.key() + " is held by nl.regie.other");
        }
        raised.add(request);
        Alert before = active.get(request.key());
        Alert alert = new Alert(request.alertId(), request.category(), request.subCategory(), request.severity(),
                request.description(), request.about(), request.location(),
                before == null ? request.observedAt() : before.validFrom(), null, request.observedAt(), Settings.PID);
        active.put(request.key(), alert);
        return alert;
    }

    @Override
    public Optional<Alert> resolve(String key, Instant at) {
        resolved.add(key);
        return Optional.ofNullable(active.remove(key));
    }

    @Override
    public List<Alert> active() {
        return List.copyOf(active.values());
    }
}
