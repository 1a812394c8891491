package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.servlet.RequestDispatcher;
import javax.servlet.Servlet;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.web.json.Json;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ErrorPageServletTest {

    /** Answers GET only, and leaves every other method to HttpServlet. */
    static class ReadOnly extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Json.problem(response, 404, "Not Found", "no thing " + request.getPathInfo(), request.getRequestURI());
        }
    }

    /** Inherits GET and adds POST and DELETE. */
    static class ReadWrite extends ReadOnly {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
        }

        @Override
        protected void doDelete(HttpServletRequest request, HttpServletResponse response) {
        }
    }

    /** Dispatches by itself: its methods cannot be read off the class. */
    static class OwnDispatch extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.sendError(405);
        }
    }

    private final ErrorPageServlet errorPage = new ErrorPageServlet();

    /**
     * One exchange as Felix HTTP runs it: the servlet's response turns {@code sendError} into the error page, after
     * setting the {@code javax.servlet.error.*} attributes (its ServletResponseWrapper), and not otherwise.
     */
    private final class Exchange {
        final Map<String, Object> attributes = new HashMap<>();
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = 200;
        String contentType;
        boolean committed;
        int errorPages;
        final String method;
        final String uri;
        final String servletName;
        final HttpServletRequest request;
        final HttpServletResponse response;

        Exchange(String method, String uri, String servletName) {
            this.method = method;
            this.uri = uri;
            this.servletName = servletName;
            this.request = request();
            this.response = response();
        }

        private HttpServletRequest request() {
            return (HttpServletRequest) Proxy.newProxyInstance(
                    HttpServletRequest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getRequestURI" -> uri;
                        case "getPathInfo" -> uri.substring(uri.lastIndexOf('/'));
                        case "getProtocol" -> "HTTP/1.1";
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "removeAttribute" -> attributes.remove((String) args[0]);
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> method + " " + uri;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(
                    HttpServletResponse.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "getStatus" -> status;
                        case "isCommitted" -> committed;
                        case "setContentType" -> {
                            contentType = (String) args[0];
                            yield null;
                        }
                        case "setHeader", "addHeader" -> headers.put((String) args[0], (String) args[1]);
                        case "setCharacterEncoding" -> null;
                        case "sendError" -> {
                            sendError((Integer) args[0], args.length > 1 ? (String) args[1] : null);
                            yield null;
                        }
                        case "getOutputStream" -> new ServletOutputStream() {
                            @Override
                            public void write(int b) {
                                body.write(b);
                            }

                            @Override
                            public boolean isReady() {
                                return true;
                            }

                            @Override
                            public void setWriteListener(WriteListener listener) {
                            }
                        };
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "response to " + method + " " + uri;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private void sendError(int code, String message) throws IOException {
            body.reset();
            status = code;
            errorPages++;
            attributes.put(RequestDispatcher.ERROR_STATUS_CODE, code);
            if (message != null) {
                attributes.put(RequestDispatcher.ERROR_MESSAGE, message);
            }
            attributes.put(RequestDispatcher.ERROR_REQUEST_URI, uri);
            if (servletName != null) {
                attributes.put(RequestDispatcher.ERROR_SERVLET_NAME, servletName);
            }
            errorPage.service(request, response);
        }

        Exchange run(Servlet servlet) throws Exception {
            servlet.service(request, response);
            return this;
        }

        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body.toByteArray());
        }
    }

    private static Map<String, Object> pattern(String pattern) {
        return Map.of("osgi.http.whiteboard.servlet.pattern", pattern);
    }

    @Test
    void aMethodLeftToHttpServletIsA405ProblemWithAllow() throws Exception {
        errorPage.bindServlet(new ReadOnly(), pattern("/api/things"));
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            Exchange exchange = new Exchange(method, "/api/things", ReadOnly.class.getName()).run(new ReadOnly());
            assertEquals(1, exchange.errorPages, method);
            assertEquals(405, exchange.status, method);
            assertEquals("application/problem+json", exchange.contentType);
            assertEquals("GET, HEAD", exchange.headers.get("Allow"));
            JsonNode problem = exchange.json();
            assertEquals("about:blank", problem.get("type").textValue());
            assertEquals("Method Not Allowed", problem.get("title").textValue());
            assertEquals(405, problem.get("status").intValue());
            assertEquals(method + " is not supported by /api/things; use GET, HEAD", problem.get("detail").textValue());
            assertEquals("/api/things", problem.get("instance").textValue());
        }
    }

    @Test
    void theServletIsFoundByItsNameProperty() throws Exception {
        errorPage.bindServlet(new ReadWrite(), Map.of("osgi.http.whiteboard.servlet.pattern", "/rw/*",
                "osgi.http.whiteboard.servlet.name", "rw"));
        Exchange exchange = new Exchange("PUT", "/rw/x", "rw").run(new ReadWrite());
        assertEquals("GET, HEAD, POST, DELETE", exchange.headers.get("Allow"));
        assertEquals("PUT is not supported by /rw/x; use GET, HEAD, POST, DELETE",
                exchange.json().get("detail").textValue());
    }

    @Test
    void withoutKnowingTheServletThereIsNoAllowButStillAProblem() throws Exception {
        Exchange unknown = new Exchange("POST", "/api/things", ReadOnly.class.getName()).run(new ReadOnly());
        assertFalse(unknown.headers.containsKey("Allow"));
        assertEquals("POST is not supported by /api/things", unknown.json().get("detail").textValue());

        ReadOnly gone = new ReadOnly();
        errorPage.bindServlet(gone, pattern("/api/things"));
        errorPage.unbindServlet(gone, pattern("/api/things"));
        assertFalse(new Exchange("POST", "/api/things", ReadOnly.class.getName()).run(new ReadOnly())
                .headers.containsKey("Allow"));

        errorPage.bindServlet(new OwnDispatch(), pattern("/own"));
        Exchange own = new Exchange("GET", "/own", OwnDispatch.class.getName()).run(new OwnDispatch());
        assertEquals(405, own.status);
        assertFalse(own.headers.containsKey("Allow"));
        assertEquals("GET is not supported by /own", own.json().get("detail").textValue());
    }

    @Test
    void aProblemTheServletWroteItselfIsLeftAlone() throws Exception {
        errorPage.bindServlet(new ReadOnly(), pattern("/api/things/*"));
        Exchange exchange = new Exchange("GET", "/api/things/x", ReadOnly.class.getName()).run(new ReadOnly());
        assertEquals(0, exchange.errorPages);
        assertEquals(404, exchange.status);
        assertEquals("no thing /x", exchange.json().get("detail").textValue());
    }

    @Test
    void otherErrorsTakeTheirPhraseAndMessage() throws Exception {
        Exchange notFound = new Exchange("GET", "/nowhere", null);
        notFound.response.sendError(404);
        assertEquals("Not Found", notFound.json().get("title").textValue());
        assertEquals("nothing is served at /nowhere", notFound.json().get("detail").textValue());

        Exchange tooLarge = new Exchange("POST", "/api/plugins", null);
        tooLarge.response.sendError(413, "the jar is larger than 64 MB");
        assertEquals(413, tooLarge.json().get("status").intValue());
        assertEquals("Content Too Large", tooLarge.json().get("title").textValue());
        assertEquals("the jar is larger than 64 MB", tooLarge.json().get("detail").textValue());

        Exchange failed = new Exchange("GET", "/api/entities", null);
        failed.attributes.put(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("boom"));
        failed.response.sendError(500);
        assertEquals("Internal Server Error", failed.json().get("title").textValue());
        assertEquals("the runtime failed while answering GET /api/entities; its log says why",
                failed.json().get("detail").textValue());
        assertFalse(failed.body.toString().contains("boom"), "no exception text goes to the client");

        Exchange teapot = new Exchange("GET", "/tea", null);
        teapot.response.sendError(418);
        assertEquals("Client Error", teapot.json().get("title").textValue());
        assertEquals("GET /tea failed: Client Error", teapot.json().get("detail").textValue());
        assertEquals("Server Error", ErrorPageServlet.title(599));
    }

    @Test
    void aCommittedResponseIsNotWrittenAgain() throws Exception {
        Exchange exchange = new Exchange("GET", "/api/stream", null);
        exchange.committed = true;
        exchange.response.sendError(503);
        assertEquals(0, exchange.body.size());
        assertNull(exchange.contentType);
    }

    @Test
    void allowIsReadOffTheClass() {
        assertEquals("GET, HEAD", ErrorPageServlet.allow(ReadOnly.class));
        assertEquals("GET, HEAD, POST, DELETE", ErrorPageServlet.allow(ReadWrite.class));
        assertNull(ErrorPageServlet.allow(OwnDispatch.class));
        assertNull(ErrorPageServlet.allow(HttpServlet.class));
        assertNull(ErrorPageServlet.allow(Object.class));
        assertEquals("GET, HEAD", ErrorPageServlet.allow(HealthServlet.class));
    }
}
