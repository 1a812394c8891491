package nl.regie.runtime.web.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.servlet.Servlet;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;
import nl.regie.runtime.spi.actuation.Commands;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 *
 * <p>A caller other than the operator needs the scope {@code command:<type of the target>} (403 naming it
 * otherwise) and sees the state of its own commands only (another's is 404 to it).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/commands", "/api/commands/*"})
public class CommandsServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    /** The largest request body accepted. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The timeout of a command that names neither timeout nor deadline. */
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    /** The longest timeout. */
    static final long MAX_TIMEOUT_SECONDS = 24 * 3600;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final transient Commands commands;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile AuditLog audit;
    private final transient Clock clock;
    private final transient ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Sends commands through the runtime's command service, on behalf of each caller (audited there), and tells each
     * caller the state of its own commands, restarts included (the service keeps who sent each).
     */
    @Activate
    public CommandsServlet(@Reference Commands commands) {
        this(commands, Clock.systemUTC());
    }

    CommandsServlet(Commands commands, Clock clock) {
        this.commands = commands;
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
        Caller caller = Caller.of(request);
        Optional<CommandResult> status = commands.status(id);
        if (!caller.operator() && !commands.sender(id).filter(caller.name()::equals).isPresent()) {
            status = Optional.empty();
        }
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
            if (declared <= RequestBodies.SWALLOW_BYTES) {
                try (InputStream in = request.getInputStream()) {
                    RequestBodies.swallow(in);
                }
            }
            Json.problem(response, 413, "Content Too Large", "the body of " + declared + " bytes is larger than "
                    + MAX_BODY_BYTES + " bytes", request.getRequestURI());
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                RequestBodies.swallow(in);
            }
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
        Caller caller = Caller.of(request);
        String type = command.target().type();
        if (!caller.mayCommand(type)) {
            refused(caller, request.getMethod(), command.target().toString(), "command:" + type);
            Json.problem(response, 403, "Forbidden", "token '" + caller.name() + "' lacks the scope command:" + type
                    + " to send commands to " + command.target(), request.getRequestURI(),
                    Map.of("scope", "command:" + type));
            return;
        }
        try {
            commands.send(caller.name(), caller.party(), command);
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
        commands.status(command.id()).ifPresent(status -> {
            json.put("state", status.state().name());
            json.put("reason", status.reason());
            json.put("at", status.at().toString());
        });
        json.put("location", location);
        Json.write(response, 202, json);
    }

    private void refused(Caller caller, String method, String target, String scope) {
        AuditLog log = audit;
        if (log != null) {
            log.record(new AuditEvent(clock.instant(), AuditEvent.ACCESS, caller.name(), caller.party(), method,
                    target, "403", "needs scope " + scope));
        }
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
        return CommandBody.read(mapper, clock, body);
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
