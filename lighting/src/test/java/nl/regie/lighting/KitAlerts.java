package nl.regie.lighting;

import java.util.List;
import java.util.Optional;

import nl.regie.api.alert.Alert;
import nl.regie.testkit.RegieTestKit;

/** The plugin's alerts as the test kit's runtime keeps them. */
final class KitAlerts {

    private KitAlerts() {
    }

    /** The alert with that key, active or resolved. */
    static Optional<Alert> get(RegieTestKit kit, String key) {
        return kit.allAlerts().stream().filter(a -> a.key().equals(key)).findFirst();
    }

    static boolean isActive(RegieTestKit kit, String key) {
        return kit.alerts().own().stream().anyMatch(a -> a.key().equals(key));
    }

    /** Every raise and update that changed an alert, in order. */
    static List<Alert> raised(RegieTestKit kit) {
        return kit.alertChanges().stream().filter(Alert::active).toList();
    }

    /** The keys of the alerts resolved, in order. */
    static List<String> resolved(RegieTestKit kit) {
        return kit.alertChanges().stream().filter(a -> !a.active()).map(Alert::key).toList();
    }
}
