package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/devices} (the bridge and every known device) and {@code GET /api/devices/{deviceId}} (one device:
 * online, stale or offline, last seen, counters, the last rejected message and why). A caller other than the
 * operator sees the devices of its own party only (a device of another party is 404 to it) and of the bridge only
 * whether it is on.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/devices", "/api/devices/*"})
public class DevicesServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    private final transient DeviceDirectory directory;
    private final transient AccessPolicy policy;

    /** Serves the given device directory; each caller sees the devices of its party. */
    @Activate
    public DevicesServlet(@Reference DeviceDirectory directory, @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this.directory = directory;
        this.policy = policy;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        Caller caller = Caller.of(request);
        if (path == null || path.equals("/")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("bridge", caller.operator() ? bridge(directory.bridge())
                    : Map.of("enabled", directory.bridge().enabled()));
            body.put("devices", directory.devices().stream().filter(d -> sees(caller, d.id()))
                    .map(DevicesServlet::device).toList());
            Json.write(response, 200, body);
            return;
        }
        String id = path.substring(1);
        Optional<String> problem = DeviceDirectory.deviceIdProblem(id);
        if (problem.isPresent()) {
            Json.problem(response, 400, "Bad Request", problem.get(), request.getRequestURI());
            return;
        }
        Optional<DeviceSnapshot> device = directory.device(id).filter(d -> sees(caller, d.id()));
        if (device.isEmpty()) {
            Json.problem(response, 404, "Not Found", "no device " + id + " is known"
                    + (directory.bridge().enabled() ? "" : " (the device bridge is off: no MQTT broker is configured)"),
                    request.getRequestURI());
            return;
        }
        Json.write(response, 200, device(device.get()));
    }

    private boolean sees(Caller caller, String deviceId) {
        return caller.operator() || policy.partyOfSource(deviceId).equals(caller.party());
    }

    static Map<String, Object> bridge(DeviceDirectory.BridgeInfo bridge) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("enabled", bridge.enabled());
        if (bridge.enabled()) {
            json.put("connected", bridge.connected());
            json.put("broker", bridge.broker());
            json.put("clientId", bridge.clientId());
            json.put("site", bridge.site());
            json.put("messagesReceived", bridge.messagesReceived());
            json.put("unroutable", bridge.unroutable());
            json.put("acksLate", bridge.acksLate());
            json.put("acksDuplicate", bridge.acksDuplicate());
            json.put("devices", bridge.devices());
        }
        return json;
    }

    static Map<String, Object> device(DeviceSnapshot device) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", device.id());
        json.put("entity", EntityId.URN_PREFIX + "Device:" + device.id());
        json.put("state", device.state());
        json.put("online", device.state().equals("online"));
        json.put("stateSince", time(device.stateSince()));
        json.put("lastSeen", time(device.lastSeen()));
        if (device.type() != null) {
            json.put("type", device.type());
        }
        json.put("entities", device.entities().stream().map(EntityId::toString).toList());
        if (device.location() != null) {
            json.put("location", Map.of("type", "Point", "coordinates",
                    List.of(device.location().longitude(), device.location().latitude())));
        }
        json.put("intervalSeconds", device.intervalSeconds());
        DeviceSnapshot.Counts c = device.counts();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("telemetryAccepted", c.telemetryAccepted());
        counts.put("telemetryRejected", c.telemetryRejected());
        counts.put("readingsPublished", c.readingsPublished());
        counts.put("stateMessages", c.stateMessages());
        counts.put("stateRejected", c.stateRejected());
        counts.put("commandsSent", c.commandsSent());
        counts.put("acksAccepted", c.acksAccepted());
        counts.put("acksRejected", c.acksRejected());
        counts.put("acksLate", c.acksLate());
        counts.put("acksDuplicate", c.acksDuplicate());
        json.put("counts", counts);
        DeviceSnapshot.Rejection rejection = device.lastRejection();
        if (rejection != null) {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("at", rejection.at().toString());
            last.put("topic", rejection.topic());
            last.put("reason", rejection.reason());
            last.put("payload", rejection.payload());
            last.put("payloadBytes", rejection.payloadBytes());
            last.put("truncated", rejection.truncated());
            json.put("lastRejection", last);
        } else {
            json.put("lastRejection", null);
        }
        return json;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
