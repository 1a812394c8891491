package nl.regie.runtime.web.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.model.EntityId;
import nl.regie.runtime.spi.devices.DeviceCredentials;
import nl.regie.runtime.spi.devices.DeviceCredentials.CredentialsException;
import nl.regie.runtime.spi.devices.DeviceCredentials.Issued;
import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/devices?limit=&after=} (the bridge, the count of unknown device ids, and a page of the known devices
 * in id order: {@code limit} 1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}; {@code after} a device id, the
 * cursor; a {@code next} link while there are more) and {@code GET /api/devices/{deviceId}} (one device:
 * online, stale or offline, last seen, counters, the last rejected message and why, whether it has MQTT
 * credentials). A caller other than the operator sees the devices of its own party only (a device of another party
 * is 404 to it) and of the bridge only whether it is on.
 *
 * <p>The devices' MQTT credentials, for the operator only (the access filter's rule for any method but GET):
 * <ul>
 * <li>{@code POST /api/devices} with {@code {"id": "bin-900"}} gives one device credentials: 201 with its user name,
 * password, client id and topics, and a {@code Location}. The password is in this answer and nowhere else (only its
 * hash is kept): {@code Cache-Control: no-store}. With {@code {"ids": [...]}}, or a {@code text/plain} body of one id a
 * line (a file sent as it is), many devices at once, all or none: 201 with {@code {"devices": [...]}}.</li>
 * <li>{@code POST /api/devices/{id}/credentials}: a new password for a device that has credentials (200); the old one
 * stops working at once.</li>
 * <li>{@code DELETE /api/devices/{id}/credentials}: the device can no longer connect (204).</li>
 * </ul>
 * Refused, changing nothing: 400 for a malformed body or a device id that cannot have credentials (malformed, with
 * ':', or one of Regie's own names), 409 for a device that has credentials already, 404 for renewing or revoking
 * credentials a device does not have, 413 for a body over {@value #MAX_BODY_BYTES} bytes, 415 for another media type,
 * 500 when the password file cannot be read or written, 503 without the devices part of the runtime.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/devices", "/api/devices/*"})
public class DevicesServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    /** The largest provisioning body accepted: 10,000 ids with room to spare. */
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
    private static final String CREDENTIALS = "/credentials";
    /** The page size of the list when the query names none. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest page of the list: a device is up to about 2 KB of JSON (its last rejected payload included). */
    static final int MAX_LIMIT = 1_000;
    private static final List<String> LIST_PARAMETERS = List.of("limit", "after");

    private final transient DeviceDirectory directory;
    private final transient AccessPolicy policy;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile DeviceCredentials credentials;
    private final transient ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Serves the given device directory; each caller sees the devices of its party. */
    @Activate
    public DevicesServlet(@Reference DeviceDirectory directory, @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this.directory = directory;
        this.policy = policy;
    }

    /** Serves the directory and gives devices credentials through {@code credentials} (null: none). */
    DevicesServlet(DeviceDirectory directory, AccessPolicy policy, DeviceCredentials credentials) {
        this(directory, policy);
        this.credentials = credentials;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String path = request.getPathInfo();
        String method = request.getMethod();
        boolean collection = path == null || path.equals("/");
        boolean credentialsPath = !collection && path.endsWith(CREDENTIALS) && path.length() > CREDENTIALS.length() + 1;
        String allow = collection ? "GET, HEAD, POST" : credentialsPath ? "POST, DELETE" : "GET, HEAD";
        boolean allowed = collection ? !method.equals("DELETE") && !method.equals("PUT")
                : credentialsPath ? method.equals("POST") || method.equals("DELETE")
                : !method.equals("POST") && !method.equals("DELETE") && !method.equals("PUT");
        if (!allowed && request.getAttribute(Caller.ATTRIBUTE) != null) {
            response.setHeader("Allow", allow);
            Json.problem(response, 405, "Method Not Allowed", method + " is not supported on " + request.getRequestURI()
                    + "; use " + allow, request.getRequestURI());
            return;
        }
        super.service(request, response);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        Caller caller = Caller.of(request);
        DeviceCredentials keys = credentials;
        if (path == null || path.equals("/")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("bridge", caller.operator() ? bridge(directory.bridge())
                    : Map.of("enabled", directory.bridge().enabled()));
            if (caller.operator() && directory.bridge().enabled()) {
                body.put("unknownDevices", unknown(directory.unknownDevices()));
            }
            if (caller.operator() && keys != null) {
                body.put("credentials", store(keys.store()));
            }
            String after;
            int limit;
            try {
                QueryParameters.checkKnown(request.getParameterMap(), LIST_PARAMETERS);
                limit = QueryParameters.integer(request.getParameterMap(), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
                after = QueryParameters.single(request.getParameterMap(), "after");
                if (after != null) {
                    DeviceDirectory.deviceIdProblem(after).ifPresent(p -> {
                        throw new IllegalArgumentException("parameter 'after': " + p);
                    });
                }
            } catch (IllegalArgumentException e) {
                Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
                return;
            }
            List<DeviceSnapshot> page = page(caller, after, limit + 1);
            if (caller.operator()) {
                body.put("total", directory.bridge().devices());
            }
            body.put("limit", limit);
            if (page.size() > limit) {
                page = page.subList(0, limit);
                body.put("next", request.getContextPath() + request.getServletPath() + "?after="
                        + page.get(limit - 1).id() + "&limit=" + limit);
            }
            body.put("devices", page.stream().map(d -> device(d, keys)).toList());
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
            boolean provisioned = caller.operator() && keys != null && keys.has(id);
            Json.problem(response, 404, "Not Found", "no device " + id + " is known"
                    + (provisioned ? " (it has MQTT credentials, but has sent nothing yet)" : "")
                    + (directory.bridge().enabled() ? "" : " (the device bridge is off: no MQTT broker is configured)"),
                    request.getRequestURI());
            return;
        }
        Json.write(response, 200, device(device.get(), keys));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DeviceCredentials keys = available(request, response);
        if (keys == null) {
            return;
        }
        Caller caller = Caller.of(request);
        String path = request.getPathInfo();
        try {
            if (path != null && path.endsWith(CREDENTIALS)) {
                String id = path.substring(1, path.length() - CREDENTIALS.length());
                Json.write(response, 200, issued(keys.renew(id, caller.name(), caller.party())));
                return;
            }
            ProvisionBody.Request asked = body(request, response);
            if (asked == null) {
                return;
            }
            List<Issued> issued = keys.provision(asked.ids(), caller.name(), caller.party());
            if (asked.many()) {
                Json.write(response, 201, Map.of("devices", issued.stream().map(DevicesServlet::issued).toList()));
            } else {
                response.setHeader("Location", request.getContextPath() + request.getServletPath() + "/"
                        + issued.get(0).deviceId());
                Json.write(response, 201, issued(issued.get(0)));
            }
        } catch (CredentialsException e) {
            refused(e, request, response);
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DeviceCredentials keys = available(request, response);
        if (keys == null) {
            return;
        }
        Caller caller = Caller.of(request);
        String path = request.getPathInfo();
        String id = path.substring(1, path.length() - CREDENTIALS.length());
        try {
            keys.revoke(id, caller.name(), caller.party());
            response.setStatus(204);
            response.setHeader("Cache-Control", "no-store");
        } catch (CredentialsException e) {
            refused(e, request, response);
        }
    }

    /** The credentials service, or null after answering 503 when the devices part does not run. */
    private DeviceCredentials available(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DeviceCredentials keys = credentials;
        if (keys == null) {
            Json.problem(response, 503, "Service Unavailable", "device credentials are not available: the devices part"
                    + " of the runtime does not run", request.getRequestURI());
        }
        return keys;
    }

    /** The provisioning request in the body, or null after answering what is wrong with it. */
    private ProvisionBody.Request body(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = request.getContentType();
        String media = contentType == null ? "" : mediaType(contentType);
        if (!media.equals("application/json") && !media.equals("text/plain")) {
            response.setHeader("Accept-Post", "application/json, text/plain");
            Json.problem(response, 415, "Unsupported Media Type", "the body must be application/json ({\"id\": ...} or"
                    + " {\"ids\": [...]}) or text/plain (one device id a line), was "
                    + (contentType == null ? "not declared" : contentType), request.getRequestURI());
            return null;
        }
        long declared = request.getContentLengthLong();
        byte[] body = null;
        if (declared <= MAX_BODY_BYTES) {
            try (InputStream in = request.getInputStream()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
        }
        if (body == null || body.length > MAX_BODY_BYTES) {
            Json.problem(response, 413, "Content Too Large", "the body is larger than " + MAX_BODY_BYTES + " bytes",
                    request.getRequestURI());
            return null;
        }
        try {
            return media.equals("text/plain") ? ProvisionBody.text(body) : ProvisionBody.json(mapper, body);
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return null;
        }
    }

    private static void refused(CredentialsException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        switch (e.reason()) {
            case INVALID -> Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            case DUPLICATE -> Json.problem(response, 409, "Conflict", e.getMessage(), request.getRequestURI());
            case UNKNOWN -> Json.problem(response, 404, "Not Found", e.getMessage(), request.getRequestURI());
            case FAILED -> Json.problem(response, 500, "Internal Server Error", e.getMessage(), request.getRequestURI());
            default -> throw new IllegalStateException(e.reason().name());
        }
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** New credentials as the answer shows them, the one time the password is shown. */
    static Map<String, Object> issued(Issued issued) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", issued.deviceId());
        json.put("username", issued.username());
        json.put("password", issued.password());
        json.put("clientId", issued.clientId());
        Map<String, Object> topics = new LinkedHashMap<>();
        topics.put("telemetry", issued.topicPrefix() + "tele");
        topics.put("state", issued.topicPrefix() + "state");
        topics.put("acknowledgements", issued.topicPrefix() + "ack/{commandId}");
        topics.put("commands", issued.topicPrefix() + "cmd/+");
        json.put("topics", topics);
        return json;
    }

    static Map<String, Object> store(DeviceCredentials.Store store) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("passwordFile", store.passwordFile());
        json.put("aclFile", store.aclFile());
        json.put("devices", store.devices());
        json.put("problems", store.problems());
        return json;
    }

    /**
     * Up to {@code count} devices the caller sees, in id order, after {@code after}: the directory's pages, filtered
     * for a caller who sees only its party's devices.
     */
    private List<DeviceSnapshot> page(Caller caller, String after, int count) {
        List<DeviceSnapshot> page = new ArrayList<>();
        String cursor = after;
        while (page.size() < count) {
            int asked = Math.max(count, 256);
            List<DeviceSnapshot> chunk = directory.devices(cursor, asked);
            for (DeviceSnapshot device : chunk) {
                if (page.size() < count && sees(caller, device.id())) {
                    page.add(device);
                }
            }
            if (chunk.size() < asked) {
                break;
            }
            cursor = chunk.get(chunk.size() - 1).id();
        }
        return page;
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

    static Map<String, Object> unknown(DeviceDirectory.UnknownDevices unknown) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tracked", unknown.tracked());
        json.put("capacity", unknown.capacity());
        json.put("ids", unknown.ids());
        json.put("messages", unknown.messages());
        json.put("forgotten", unknown.forgotten());
        return json;
    }

    static Map<String, Object> device(DeviceSnapshot device) {
        return device(device, null);
    }

    /** A device as JSON; with {@code keys}, whether it has MQTT credentials too. */
    static Map<String, Object> device(DeviceSnapshot device, DeviceCredentials keys) {
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
        if (keys != null) {
            json.put("credentials", keys.has(device.id()));
        }
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
