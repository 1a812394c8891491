package nl.regie.runtime.web.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Stand-ins for servlet requests and responses, enough for the servlets under test. */
final class ServletFakes {

    private ServletFakes() {
    }

    /** A recorded response. */
    static final class Response {
        int status = 200;
        String contentType;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        final HttpServletResponse servlet = (HttpServletResponse) Proxy.newProxyInstance(
                HttpServletResponse.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "setStatus" -> {
                        status = (Integer) args[0];
                        yield null;
                    }
                    case "getStatus" -> status;
                    case "setContentType" -> {
                        contentType = (String) args[0];
                        yield null;
                    }
                    case "setHeader", "addHeader" -> {
                        headers.put((String) args[0], (String) args[1]);
                        yield null;
                    }
                    case "setCharacterEncoding" -> null;
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
                    case "toString" -> "response";
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(body.toByteArray());
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /** A request to a servlet mapped at {@code servletPath} (and {@code servletPath/*}). */
    static HttpServletRequest request(String method, String servletPath, String pathInfo, String contentType, byte[] body) {
        return request(method, servletPath, pathInfo, contentType, body, Map.of());
    }

    /** A GET with query parameters (name, value, name, value, ...) to a servlet mapped at {@code servletPath}. */
    static HttpServletRequest get(String servletPath, String pathInfo, String... query) {
        Map<String, String[]> parameters = new java.util.LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            parameters.merge(query[i], new String[] {query[i + 1]}, (a, b) -> java.util.stream.Stream.concat(
                    java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new));
        }
        return request("GET", servletPath, pathInfo, null, null, parameters);
    }

    private static HttpServletRequest request(String method, String servletPath, String pathInfo, String contentType,
            byte[] body, Map<String, String[]> parameters) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo" -> pathInfo;
                    case "getServletPath" -> servletPath;
                    case "getContextPath" -> "";
                    case "getRequestURI" -> servletPath + (pathInfo == null ? "" : pathInfo);
                    case "getContentType" -> contentType;
                    case "getContentLengthLong" -> body == null ? -1L : (long) body.length;
                    case "getContentLength" -> body == null ? -1 : body.length;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getInputStream" -> {
                        ByteArrayInputStream in = new ByteArrayInputStream(body == null ? new byte[0] : body);
                        yield new ServletInputStream() {
                            @Override
                            public int read() {
                                return in.read();
                            }

                            @Override
                            public int read(byte[] b, int off, int len) {
                                return in.read(b, off, len);
                            }

                            @Override
                            public boolean isFinished() {
                                return in.available() == 0;
                            }

                            @Override
                            public boolean isReady() {
                                return true;
                            }

                            @Override
                            public void setReadListener(ReadListener listener) {
                            }
                        };
                    }
                    case "getParameterMap" -> parameters;
                    case "getHeader" -> null;
                    // The access filter's verdict: the servlets' own tests run as the local operator.
                    case "getAttribute" -> nl.regie.runtime.web.access.Caller.ATTRIBUTE.equals(args[0])
                            ? nl.regie.runtime.web.access.Caller.LOCAL_OPERATOR : null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> method + " " + servletPath + pathInfo;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** The request as the access filter passes it on for this caller. */
    static HttpServletRequest as(nl.regie.runtime.web.access.Caller caller, HttpServletRequest request) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> m.getName().equals("getAttribute")
                        && nl.regie.runtime.web.access.Caller.ATTRIBUTE.equals(args[0]) ? caller : m.invoke(request, args));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
