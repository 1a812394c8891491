package nl.regie.runtime.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import nl.regie.api.actuation.Actuation;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Value;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code POST /api/commands} sends a command; {@code GET /api/commands/{id}} tells its state.
 *
 * <p>The body of a POST is a JSON object with {@code target} (an entity URN) and {@code action}, optionally
 * {@code parameters} (an object of numbers, booleans and texts), {@code id} (otherwise a random one is made) and
 * either {@code timeoutSeconds} (more than 0, at most a day) or {@code deadline} (an ISO-8601 instant in the next
 * day); without either the command has {@value #DEFAULT_TIMEOUT_SECONDS} s. Anything else is refused with a
 * problem that names it: 415 for another media type, 413 for a body over {@value #MAX_BODY_BYTES} bytes, 400 for
 * malformed JSON, unknown fields, a bad URN or value, 409 for an id whose command is still in progress. A command
 * that is taken gets 202 Accepted, its current state and a {@code Location} to follow it: it may already have
 * ended (REJECTED when no driver handles the target's type), and it always ends, at the latest at its deadline.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/commands", "/api/commands/*"})
public class CommandsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The largest request body accepted. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The timeout of a command that names neither timeout nor deadline. */
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    /** The longest timeout. */
    static final long MAX_TIMEOUT_SECONDS = 24 * 3600;

    private static final Set<String> FIELDS = Set.of("id", "target", "action", "parameters", "timeoutSeconds", "deadline");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final transient Actuation actuation;
    private final transient Clock clock;
    private final transient ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Sends commands through the given actuation service. */
    @Activate
    public CommandsServlet(@Reference Actuation actuation) {
        this(actuation, Clock.systemUTC());
    }

    CommandsServlet(Actuation actuation, Clock clock) {
        this.actuation = actuation;
        this.clock = clock;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String method = request.getMethod();
        boolean collection = request.getPathInfo() == null || request.getPathInfo().equals("/");
        if (collection && method.equals("POST")) {
            doPost(request, response);
        } else if (!collection && (method.equals("GET") || method.equals("HEAD"))) {
            super.service(request, response);
        } else {
            response.setHeader("Allow", collection ? "POST" : "GET, HEAD");
            Json.problem(response, 405, "Method Not Allowed", method + " is not supported on " + request.getRequestURI()
                    + "; use " + (collection ? "POST to send a command" : "GET to read a command's state"),
                    request.getRequestURI());
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getPathInfo().substring(1);
        if (!ID.matcher(id).matches()) {
            Json.problem(response, 400, "Bad Request", "command id '" + id
                    + "' must be 1 to 64 letters, digits, '-' or '_'", request.getRequestURI());
            return;
        }
        Optional<CommandResult> status = actuation.status(id);
        if (status.isEmpty()) {
            Json.problem(response, 404, "Not Found", "no command " + id + " is known (or it ended long ago)",
                    request.getRequestURI());
            return;
        }
        Json.write(response, 200, result(status.get()));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !mediaType(contentType).equals("application/json")) {
            response.setHeader("Accept-Post", "application/json");
            Json.problem(response, 415, "Unsupported Media Type", "the body must be application/json, was "
                    + (contentType == null ? "not declared" : contentType), request.getRequestURI());
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            Json.problem(response, 413, "Content Too Large", "the body of " + declared + " bytes is larger than "
                    + MAX_BODY_BYTES + " bytes", request.getRequestURI());
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            Json.problem(response, 413, "Content Too Large", "the body is larger than " + MAX_BODY_BYTES + " bytes",
                    request.getRequestURI());
            return;
        }
        Command command;
        try {
            command = command(body);
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        try {
            actuation.send(command);
        } catch (IllegalArgumentException e) {
            Json.problem(response, 409, "Conflict", e.getMessage(), request.getRequestURI());
            return;
        }
        String location = request.getContextPath() + request.getServletPath() + "/" + command.id();
        response.setHeader("Location", location);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", command.id());
        json.put("target", command.target().toString());
        json.put("action", command.action());
        json.put("deadline", command.deadline().toString());
        actuation.status(command.id()).ifPresent(status -> {
            json.put("state", status.state().name());
            json.put("reason", status.reason());
            json.put("at", status.at().toString());
        });
        json.put("location", location);
        Json.write(response, 202, json);
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a command from a request body.
     *
     * @throws IllegalArgumentException with what is wrong, naming the field
     */
    Command command(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with 'target' and 'action'");
        }
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field(s) " + unknown + "; known are " + List.copyOf(
                    new java.util.TreeSet<>(FIELDS)));
        }
        String id = text(root, "id", false);
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        EntityId target;
        try {
            target = EntityId.parse(text(root, "target", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'target': " + e.getMessage(), e);
        }
        String action = text(root, "action", true);
        Map<String, Value> parameters = parameters(root.get("parameters"));
        Instant deadline = deadline(root);
        try {
            return new Command(id, target, action, parameters, deadline);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new IllegalArgumentException("'" + field + "' is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a text");
        }
        return node.textValue();
    }

    private static Map<String, Value> parameters(JsonNode node) {
        Map<String, Value> parameters = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return parameters;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("'parameters' must be an object of numbers, booleans and texts");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode value = p.getValue();
            if (value.isNumber()) {
                double number = value.doubleValue();
                if (!Double.isFinite(number)) {
                    throw new IllegalArgumentException("parameter '" + p.getKey() + "' must be a finite number");
                }
                parameters.put(p.getKey(), Value.of(number));
            } else if (value.isBoolean()) {
                parameters.put(p.getKey(), Value.of(value.booleanValue()));
            } else if (value.isTextual()) {
                parameters.put(p.getKey(), Value.of(value.textValue()));
            } else {
                throw new IllegalArgumentException("parameter '" + p.getKey() + "' must be a number, a boolean or a text");
            }
        }
        return parameters;
    }

    private Instant deadline(JsonNode root) {
        JsonNode timeout = root.get("timeoutSeconds");
        JsonNode deadline = root.get("deadline");
        if (timeout != null && deadline != null) {
            throw new IllegalArgumentException("give either 'timeoutSeconds' or 'deadline', not both");
        }
        Instant now = clock.instant();
        if (deadline != null) {
            if (!deadline.isTextual()) {
                throw new IllegalArgumentException("'deadline' must be an ISO-8601 instant such as 2026-06-01T12:00:00Z");
            }
            Instant at;
            try {
                at = Instant.parse(deadline.textValue());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'deadline' must be an ISO-8601 instant such as 2026-06-01T12:00:00Z,"
                        + " was '" + deadline.textValue() + "'", e);
            }
            if (!at.isAfter(now)) {
                throw new IllegalArgumentException("'deadline' " + at + " has already passed");
            }
            if (at.isAfter(now.plusSeconds(MAX_TIMEOUT_SECONDS))) {
                throw new IllegalArgumentException("'deadline' " + at + " is more than a day away");
            }
            return at;
        }
        if (timeout == null) {
            return now.plusSeconds(DEFAULT_TIMEOUT_SECONDS);
        }
        double seconds = timeout.isNumber() ? timeout.doubleValue() : Double.NaN;
        if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
            throw new IllegalArgumentException("'timeoutSeconds' must be a number more than 0 and at most "
                    + MAX_TIMEOUT_SECONDS);
        }
        return now.plus(Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))));
    }

    static Map<String, Object> result(CommandResult result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", result.commandId());
        json.put("state", result.state().name());
        json.put("final", result.state().isFinal());
        json.put("reason", result.reason());
        json.put("at", result.at().toString());
        return json;
    }
}
