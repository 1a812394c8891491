package nl.regie.runtime.ngsild.subscription;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.access.HttpCaller;

/** Requests and responses of the servlet API made in a few lines, for driving a servlet without a server. */
public final class Http {

    private Http() {
    }

    /** A caller as the access filter would put it: a party and the entity types its token reads. */
    public record Caller(String name, String party, Set<String> reads) implements HttpCaller {
        @Override
        public boolean operator() {
            return false;
        }

        @Override
        public boolean mayRead(String entityType) {
            return reads.contains(entityType);
        }

        @Override
        public boolean mayPublish(String entityType) {
            return false;
        }

        @Override
        public boolean mayPublishAny() {
            return false;
        }

        /** Like the access filter's: changes with the token's name, party or scopes. */
        @Override
        public String grant() {
            return name + " " + party + " " + new java.util.TreeSet<>(reads);
        }
    }

    /** A response that keeps what the servlet wrote. */
    public static final class Response {
        public int status = 200;
        public String contentType;
        public final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        public final HttpServletResponse servlet;

        public Response() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                }

                @Override
                public void write(int b) {
                    body.write(b);
                }
            };
            servlet = (HttpServletResponse) Proxy.newProxyInstance(Http.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "setContentType" -> {
                            contentType = (String) args[0];
                            yield null;
                        }
                        case "setHeader" -> {
                            headers.put((String) args[0], (String) args[1]);
                            yield null;
                        }
                        case "reset" -> {
                            headers.clear();
                            body.reset();
                            yield null;
                        }
                        case "getOutputStream" -> out;
                        case "setCharacterEncoding" -> null;
                        case "isCommitted" -> false;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        public String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String[]> parameterMap(Map<String, String> parameters) {
        Map<String, String[]> map = new LinkedHashMap<>();
        parameters.forEach((k, v) -> map.put(k, new String[] {v}));
        return map;
    }

    /** A request to {@code /ngsi-ld/v1/subscriptions{pathInfo}}. */
    public static HttpServletRequest request(String base, String method, String pathInfo, HttpCaller caller, String contentType,
            String body, Map<String, String> headers, Map<String, String> parameters) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        ServletInputStream stream = new ServletInputStream() {
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

            @Override
            public int read() {
                return in.read();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(Http.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo" -> pathInfo;
                    case "getRequestURI" -> base + (pathInfo == null ? "" : pathInfo);
                    case "getAttribute" -> HttpCaller.ATTRIBUTE.equals(args[0]) ? caller : null;
                    case "getContentType" -> contentType;
                    case "getInputStream" -> stream;
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getParameter" -> parameters.get((String) args[0]);
                    case "getParameterMap" -> parameterMap(parameters);
                    case "getScheme" -> "http";
                    case "getServerName" -> "localhost";
                    case "getServerPort" -> 8080;
                    case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
