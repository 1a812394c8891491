package nl.regie.simulator;

/**
 * The state messages of the devices, retained on {@code regie/v1/{site}/dev/{d}/state}: the birth
 *
 * <pre>
 * {"online":true,"type":"WasteContainer","entities":["urn:ngsi-ld:WasteContainer:bin-001"],
 *  "location":[4.8953,52.3702],"interval":5}
 * </pre>
 *
 * <p>with the location as GeoJSON orders it (longitude, latitude) and {@code interval} the wall-clock seconds the
 * runtime may expect between two telemetry packs of the device (a device silent for a few intervals is
 * probably gone); and {@link #OFFLINE}, the will of a device with its own connection and what every device
 * says when the simulator stops.
 */
final class Births {

    static final String OFFLINE = "{\"online\":false}";

    private final double intervalSeconds;

    Births(double intervalSeconds) {
        this.intervalSeconds = intervalSeconds;
    }

    String online(SimDevice device) {
        StringBuilder out = new StringBuilder(160).append("{\"online\":true,\"type\":");
        Json.string(out, device.type()).append(",\"entities\":[");
        Json.string(out, device.entity()).append("],\"location\":[");
        Json.number(out, device.lon(), 6).append(',');
        Json.number(out, device.lat(), 6).append("],\"interval\":");
        Json.number(out, intervalSeconds, 3);
        return out.append('}').toString();
    }
}
