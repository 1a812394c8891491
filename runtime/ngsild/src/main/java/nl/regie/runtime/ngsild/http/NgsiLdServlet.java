package nl.regie.runtime.ngsild.http;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.ld.LdContext;
import nl.regie.runtime.ngsild.problem.NgsiLdException;
import nl.regie.runtime.ngsild.problem.ProblemType;
import nl.regie.runtime.ngsild.problem.Problems;
import nl.regie.runtime.spi.access.HttpCaller;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;

import org.osgi.service.log.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What every NGSI-LD servlet shares: the methods it answers ({@code PATCH} too, which {@link HttpServlet} lacks), every
 * refusal as the standard's problem and never a 500 without one, the caller the access filter found, the request's
 * JSON-LD context, the body read within a bound, and answers in the negotiated media type with the context where it
 * belongs. Subclasses implement {@link #handle}.
 */
public abstract class NgsiLdServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** The largest body read, in bytes: a batch of a thousand entities fits. */
    public static final int MAX_BODY = 2 * 1024 * 1024;
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The shipped contexts. */
    protected final transient Contexts contexts;
    private final transient Logger log;

    protected NgsiLdServlet(Contexts contexts, Logger log) {
        this.contexts = contexts;
        this.log = log;
    }

    /** Handles one request; throws {@link NgsiLdException} to refuse it. */
    protected abstract void handle(String method, HttpServletRequest request, HttpServletResponse response)
            throws IOException;

    /** The audit log, if any, for refusals; null without one. */
    protected AuditLog audit() {
        return null;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        try {
            handle(method, request, response);
        } catch (NgsiLdException refusal) {
            if (refusal.type() == ProblemType.FORBIDDEN) {
                HttpCaller caller = (HttpCaller) request.getAttribute(HttpCaller.ATTRIBUTE);
                AuditLog audit = audit();
                if (audit != null && caller != null) {
                    audit.record(new AuditEvent(Instant.now(), AuditEvent.ACCESS, caller.name(), caller.party(),
                            method, request.getRequestURI(), "403", refusal.getMessage()));
                }
            }
            if (!response.isCommitted()) {
                Problems.write(response, refusal, request.getRequestURI());
            }
        } catch (RuntimeException failure) {
            log.error("NGSI-LD {} {} failed", method, request.getRequestURI(), failure);
            if (!response.isCommitted()) {
                Problems.write(response, ProblemType.INTERNAL_ERROR, "Regie failed to answer this request: "
                        + failure.getClass().getSimpleName() + " (logged)", request.getRequestURI());
            }
        }
    }

    /** A method this path does not have: 405 with the methods it has. */
    protected static NgsiLdException notAllowed(HttpServletResponse response, String method, String allow) {
        response.setHeader("Allow", allow);
        return new NgsiLdException(ProblemType.METHOD_NOT_ALLOWED, method + " is not allowed here; allowed: "
                + allow);
    }

    /** The caller; refused when no access filter ran (no token checked). */
    protected static HttpCaller caller(HttpServletRequest request) {
        if (request.getAttribute(HttpCaller.ATTRIBUTE) instanceof HttpCaller caller) {
            return caller;
        }
        throw new NgsiLdException(ProblemType.FORBIDDEN, "no caller: the access filter did not run for this request");
    }

    /** The origins this server answers at, for recognising Regie's own context URL. */
    protected static List<String> origins(HttpServletRequest request) {
        List<String> origins = new ArrayList<>(2);
        String host = request.getHeader("Host");
        if (host != null) {
            origins.add(request.getScheme() + "://" + host);
        }
        int port = request.getServerPort();
        boolean standard = (request.getScheme().equals("http") && port == 80)
                || (request.getScheme().equals("https") && port == 443);
        origins.add(request.getScheme() + "://" + request.getServerName() + (standard ? "" : ":" + port));
        return origins;
    }

    /** The context of a request without a body: its Link header, else the core context. */
    protected LdContext linkContext(HttpServletRequest request) {
        return LdContext.fromLink(request.getHeader("Link"), contexts, origins(request));
    }

    /** A request's body and its context: from the body as JSON-LD, from the Link header as JSON. */
    protected record Body(JsonNode json, LdContext context) {
    }

    /**
     * Reads the body: JSON of at most {@value #MAX_BODY} bytes; as {@code application/ld+json} its {@code @context}
     * is its context and a Link header is refused, as {@code application/json} a {@code @context} in it is refused.
     */
    protected Body body(HttpServletRequest request) throws IOException {
        boolean ld = MediaTypes.ldBody(request.getContentType());
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw NgsiLdException.badData("the body may be at most " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw NgsiLdException.invalid("the request needs a JSON body");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw NgsiLdException.invalid("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (ld) {
            if (request.getHeader("Link") != null) {
                throw NgsiLdException.badData("a body sent as application/ld+json carries its context in \"@context\";"
                        + " a Link header is not allowed with it");
            }
            JsonNode context = json.isArray() && !json.isEmpty() ? json.get(0).get("@context") : json.get("@context");
            return new Body(json, LdContext.fromBody(context, contexts, origins(request)));
        }
        if (json.isObject() && json.has("@context")) {
            throw NgsiLdException.badData("a body sent as application/json must not have \"@context\": send it as"
                    + " application/ld+json, or name the context in a Link header");
        }
        return new Body(json, linkContext(request));
    }

    /**
     * Writes an answer in the negotiated type: as JSON with the context in a Link header, as JSON-LD with
     * {@code @context} in the body (in each entity of a list, which {@code withContext} puts there).
     */
    protected static void answer(HttpServletResponse response, int status, String mediaType, LdContext context,
            Object body) throws IOException {
        response.setStatus(status);
        response.setContentType(mediaType);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (mediaType.equals(MediaTypes.JSON)) {
            response.setHeader("Link", "<" + context.link() + ">; rel=\"" + LdContext.REL
                    + "\"; type=\"application/ld+json\"");
        }
        MAPPER.writeValue(response.getOutputStream(), body);
    }

    /** The {@code @context} to put in a JSON-LD answer, or null for a JSON one. */
    protected static Object contextValue(String mediaType, LdContext context) {
        return mediaType.equals(MediaTypes.LD_JSON) ? context.valueWithCore() : null;
    }

    /** The path after the servlet's pattern, split at '/', without empty parts. */
    protected static List<String> segments(HttpServletRequest request) {
        String path = request.getPathInfo();
        List<String> segments = new ArrayList<>();
        if (path != null) {
            for (String part : path.split("/")) {
                if (!part.isEmpty()) {
                    segments.add(part);
                }
            }
        }
        return segments;
    }

    /** An answer without a body. */
    protected static void noContent(HttpServletResponse response) {
        response.setStatus(204);
        response.setHeader("Cache-Control", "no-store");
    }

    /** A JSON object for small answers. */
    protected static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
