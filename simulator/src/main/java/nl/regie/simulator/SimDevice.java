package nl.regie.simulator;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One simulated device: a model of the thing it measures, small enough to keep ten thousand in memory (a few
 * primitive fields each, no threads, no random generator objects: noise is a pure function of the seed and
 * the time).
 *
 * <p>The device id is also the local id of its entity ({@code bin-001} reports on
 * {@code urn:ngsi-ld:WasteContainer:bin-001}). Models are driven by simulated time in epoch milliseconds and
 * are only ever touched by the simulator's one scheduler thread; they are not thread-safe.
 */
abstract sealed class SimDevice permits WasteBin, Streetlight, StreetlightGroup, CrowdCounter, TrafficCounter, WaterGauge {

    static final String WASTE_CONTAINER = "WasteContainer";
    static final String STREETLIGHT = "Streetlight";
    static final String STREETLIGHT_GROUP = "StreetlightGroup";
    static final String CROWD_FLOW_OBSERVED = "CrowdFlowObserved";
    static final String TRAFFIC_FLOW_OBSERVED = "TrafficFlowObserved";
    static final String WATER_OBSERVED = "WaterObserved";

    private final String id;
    private final String entity;
    private final double lon;
    private final double lat;
    /** This device's own seed, for its noise and its random events. */
    final long seed;
    /** The connection that publishes for this device; set once when the simulator starts. */
    MqttLink link;

    SimDevice(String id, String type, double lon, double lat, long seed) {
        this.id = id;
        this.entity = "urn:ngsi-ld:" + type + ':' + id;
        this.lon = lon;
        this.lat = lat;
        this.seed = seed;
    }

    /** The device id, which is also the local id of its entity. */
    final String id() {
        return id;
    }

    /** The NGSI-LD type of the entity it reports on. */
    abstract String type();

    /** The NGSI-LD URN of the entity it reports on. */
    final String entity() {
        return entity;
    }

    /** WGS84 longitude, degrees. */
    final double lon() {
        return lon;
    }

    /** WGS84 latitude, degrees. */
    final double lat() {
        return lat;
    }

    /** Moves the model forward to {@code millis}; earlier times are ignored. */
    abstract void advanceTo(long millis);

    /** What the device reports at {@code millis}, after {@link #advanceTo(long)}: one SenML pack. */
    abstract SenmlPack telemetry(long millis);

    /** The devices whose state a command to this one changes (itself, or a group's members). */
    List<? extends SimDevice> affectedBy() {
        return List.of(this);
    }

    /**
     * Carries out a command at {@code millis} (the model has been advanced to it). Devices that take no commands
     * reject every one.
     */
    Outcome execute(String action, Map<String, Object> parameters, long millis) {
        return Outcome.rejected("a " + type() + " takes no commands");
    }

    /** The result a device reports in its acknowledgement. */
    record Outcome(String status, String reason) {

        static final Outcome COMPLETED = new Outcome("completed", null);

        static Outcome rejected(String reason) {
            return new Outcome("rejected", reason);
        }

        boolean completed() {
            return reason == null;
        }

        /** The acknowledgement payload, {@code {"status":"...","reason":"..."}} (no reason when completed). */
        String toJson() {
            ObjectNode ack = JsonCodec.object().put("status", status);
            if (reason != null) {
                ack.put("reason", reason);
            }
            return JsonCodec.write(ack);
        }
    }
}
