package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.servlet.RequestDispatcher;
import javax.servlet.Servlet;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletErrorPage;

/**
 * The HTTP whiteboard's error page for every 4xx and 5xx status that a servlet or filter sends with
 * {@code sendError} (HttpServlet's default answer to a method it does not implement, a 500 after an exception):
 * an RFC 9457 problem instead of the container's HTML page or an empty body. Responses whose servlet wrote its
 * own problem ({@link Json#problem}) never come here: they set the status, they do not send an error.
 * A 405 carries {@code Allow} when the servlet's class shows its methods (the {@code doXxx} it overrides).
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletErrorPage(errorPage = {"4xx", "5xx"})
public class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final String NAME = "osgi.http.whiteboard.servlet.name";

    private static final Map<Integer, String> PHRASES = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(402, "Payment Required"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(406, "Not Acceptable"), Map.entry(407, "Proxy Authentication Required"),
            Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"), Map.entry(410, "Gone"),
            Map.entry(411, "Length Required"), Map.entry(412, "Precondition Failed"),
            Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(416, "Range Not Satisfiable"),
            Map.entry(417, "Expectation Failed"), Map.entry(421, "Misdirected Request"),
            Map.entry(422, "Unprocessable Content"), Map.entry(426, "Upgrade Required"),
            Map.entry(428, "Precondition Required"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(451, "Unavailable For Legal Reasons"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"),
            Map.entry(505, "HTTP Version Not Supported"));

    /** The whiteboard's servlets by the name the container reports in {@code javax.servlet.error.servlet_name}. */
    private final transient Map<String, Servlet> servlets = new ConcurrentHashMap<>();

    /** Learns a whiteboard servlet, so that a 405 from it can say which methods it has. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(|(osgi.http.whiteboard.servlet.pattern=*)(osgi.http.whiteboard.servlet.regex=*))")
    void bindServlet(Servlet servlet, Map<String, Object> properties) {
        servlets.put(name(servlet, properties), servlet);
    }

    void unbindServlet(Servlet servlet, Map<String, Object> properties) {
        servlets.remove(name(servlet, properties), servlet);
    }

    /** The name Felix HTTP gives a whiteboard servlet: its name property, else its class name. */
    private static String name(Servlet servlet, Map<String, Object> properties) {
        return properties.get(NAME) instanceof String name && !name.isBlank() ? name : servlet.getClass().getName();
    }

    /** Every method: the error dispatch keeps the failed request's method, whatever it was. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                ? code : response.getStatus();
        String uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String u
                ? u : request.getRequestURI();
        String method = request.getMethod();
        String detail;
        if (status == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
            String allow = allow(request.getAttribute(RequestDispatcher.ERROR_SERVLET_NAME));
            if (allow != null) {
                response.setHeader("Allow", allow);
            }
            detail = method + " is not supported by " + uri + (allow == null ? "" : "; use " + allow);
        } else if (request.getAttribute(RequestDispatcher.ERROR_MESSAGE) instanceof String message
                && !message.isBlank()) {
            detail = message;
        } else {
            boolean exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null;
            detail = fallbackDetail(status, method, uri, exception);
        }
        Json.problem(response, status, title(status), detail, uri);
    }

    /** The standard reason phrase (RFC 9110) of an error status. */
    static String title(int status) {
        String phrase = PHRASES.get(status);
        if (phrase != null) {
            return phrase;
        }
        return status >= 500 ? "Server Error" : "Client Error";
    }

    private static String fallbackDetail(int status, String method, String uri, boolean exception) {
        if (exception || status == HttpServletResponse.SC_INTERNAL_SERVER_ERROR) {
            return "the runtime failed while answering " + method + " " + uri + "; its log says why";
        }
        if (status == HttpServletResponse.SC_NOT_FOUND) {
            return "nothing is served at " + uri;
        }
        return method + " " + uri + " failed: " + title(status);
    }

    /** The methods the named servlet has, as an {@code Allow} value; null when they cannot be known. */
    private String allow(Object servletName) {
        Servlet servlet = servletName instanceof String name ? servlets.get(name) : null;
        return servlet == null ? null : allow(servlet.getClass());
    }

    /**
     * The methods an {@link HttpServlet} class answers, from the {@code doGet}, {@code doPost}, {@code doPut} and
     * {@code doDelete} it overrides (GET brings HEAD), as HttpServlet's own dispatch does. Null when that cannot be
     * read off the class: it is no HttpServlet, overrides {@code service} (and dispatches itself) or overrides none.
     */
    static String allow(Class<?> servletClass) {
        if (!HttpServlet.class.isAssignableFrom(servletClass)) {
            return null;
        }
        boolean get = false;
        boolean post = false;
        boolean put = false;
        boolean delete = false;
        for (Class<?> c = servletClass; c != HttpServlet.class; c = c.getSuperclass()) {
            // GuardedServlet's and KnownMethodsServlet's service only check the caller and the method, then dispatch
            // as HttpServlet does.
            if (c != GuardedServlet.class && c != KnownMethodsServlet.class && (declares(c, "service", HttpServletRequest.class, HttpServletResponse.class)
                    || declares(c, "service", ServletRequest.class, ServletResponse.class))) {
                return null;
            }
            get |= declares(c, "doGet", HttpServletRequest.class, HttpServletResponse.class);
            post |= declares(c, "doPost", HttpServletRequest.class, HttpServletResponse.class);
            put |= declares(c, "doPut", HttpServletRequest.class, HttpServletResponse.class);
            delete |= declares(c, "doDelete", HttpServletRequest.class, HttpServletResponse.class);
        }
        List<String> methods = new ArrayList<>();
        if (get) {
            methods.add("GET");
            methods.add("HEAD");
        }
        if (post) {
            methods.add("POST");
        }
        if (put) {
            methods.add("PUT");
        }
        if (delete) {
            methods.add("DELETE");
        }
        return methods.isEmpty() ? null : String.join(", ", methods);
    }

    private static boolean declares(Class<?> c, String method, Class<?>... parameters) {
        try {
            c.getDeclaredMethod(method, parameters);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
