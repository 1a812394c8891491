package nl.regie.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

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

    static final String OFFLINE = JsonCodec.write(JsonCodec.object().put("online", false));

    private final double intervalSeconds;

    Births(double intervalSeconds) {
        this.intervalSeconds = intervalSeconds;
    }

    String online(SimDevice device) {
        ObjectNode birth = JsonCodec.object().put("online", true).put("type", device.type());
        birth.putArray("entities").add(device.entity());
        birth.putArray("location").add(JsonCodec.rounded(device.lon(), 6)).add(JsonCodec.rounded(device.lat(), 6));
        birth.put("interval", JsonCodec.rounded(intervalSeconds, 3));
        return JsonCodec.write(birth);
    }
}
