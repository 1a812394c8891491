package nl.regie.lighting;

import java.time.Instant;

import nl.regie.api.model.EntityId;

/**
 * Connects the {@link LampFailureDetector} to the alerts: a lamp's meter reading goes to the detector with the
 * lamp's last power state and level, and a failure raises {@code lamp-failure-{lamp}} (subcategory
 * {@code lampFailure}) that a recovery resolves, both dated by the reading. Not thread-safe: the engine confines
 * it to its lock.
 */
final class LampFailureAlerts {

    static final String PREFIX = "lamp-failure-";

    private final MaintenanceAlerts alerts;
    private final LampFailureDetector detector;
    private double failureWatts;
    private int failureReports;

    LampFailureAlerts(MaintenanceAlerts alerts, double failureWatts, int failureReports) {
        this.alerts = alerts;
        this.detector = new LampFailureDetector(failureWatts, failureReports);
        this.failureWatts = failureWatts;
        this.failureReports = failureReports;
    }

    /** Applies new thresholds; streaks and failures under way count on. */
    void configure(double newFailureWatts, int newFailureReports) {
        detector.configure(newFailureWatts, newFailureReports);
        this.failureWatts = newFailureWatts;
        this.failureReports = newFailureReports;
    }

    /**
     * Takes a lamp's {@code powerConsumption} observed at {@code at}. Until the lamp has reported its power state
     * and level, a meter reading says nothing about whether it works.
     */
    void powerConsumption(Lamp lamp, double watts, Instant at) {
        if (lamp.on == null || lamp.reported == null) {
            return;
        }
        String key = MaintenanceAlerts.key(PREFIX, lamp.id);
        switch (detector.report(lamp.id, lamp.on, lamp.reported, watts)) {
            case FAILED -> alerts.raise(key, "lampFailure", "Streetlight " + lamp.id.localId() + " is on at level "
                    + lamp.reported + " but draws " + watts + " W (less than " + failureWatts + " W) on "
                    + failureReports + " reports in a row: the lamp or its driver has failed", lamp.id, lamp.location, at);
            case RECOVERED -> alerts.resolve(key, at);
            case NONE -> {
                // nothing changed
            }
        }
    }

    /** Takes over the failure alert of {@code lamp} raised before a restart, so that a recovery resolves it. */
    void takeOver(EntityId lamp) {
        detector.knownFailed(lamp);
    }
}
