package nl.regie.runtime.web.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterAsyncSupported;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterPattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Makes Jetty's own answers to requests it refuses while parsing them (400 for a malformed request line or header, 414
 * for a URI too long, 431 for headers too large) RFC 9457 problem details, like every other error of the API, instead
 * of Jetty's HTML page. Those requests never reach a servlet or filter; Jetty asks its server's {@link ErrorHandler}
 * for the body. Felix HTTP creates the Jetty server itself and has no setting for its error handler (its one hook into
 * the connectors, {@code LoadBalancerCustomizerFactory}, works only with its proxy mode on, which would also make
 * Jetty believe a client's {@code X-Forwarded-*} headers). So this filter, first on every request, reaches the server
 * through the request Jetty serves and installs {@link ProblemErrorHandler} there, once. Until the first request
 * Jetty's HTML answers stay; the launcher sends that first request itself before it prints {@code Regie ready}.
 */
@Component(service = Filter.class, property = Constants.SERVICE_RANKING + ":Integer=1000")
@HttpWhiteboardFilterPattern("/*")
@HttpWhiteboardFilterAsyncSupported
public final class JettyProblems implements Filter {

    private volatile boolean installed;

    @Override
    public void init(FilterConfig config) {
        // nothing to set up
    }

    @Override
    public void destroy() {
        // the handler stays with the server, which Felix HTTP owns
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!installed) {
            Request base = Request.getBaseRequest(request);
            if (base != null && base.getHttpChannel() != null) {
                install(base.getHttpChannel().getServer());
                installed = true;
            }
        }
        chain.doFilter(request, response);
    }

    /** Sets the server's error handler to {@link ProblemErrorHandler}, once. */
    static void install(Server server) {
        if (server != null && !(server.getErrorHandler() instanceof ProblemErrorHandler)) {
            synchronized (server) {
                if (!(server.getErrorHandler() instanceof ProblemErrorHandler)) {
                    server.setErrorHandler(new ProblemErrorHandler());
                }
            }
        }
    }

    /** Jetty's error handler with problem+json for the requests Jetty refuses while parsing them. */
    static final class ProblemErrorHandler extends ErrorHandler {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/problem+json");
            fields.put(HttpHeader.CACHE_CONTROL, "no-store");
            return ByteBuffer.wrap(body(status, reason));
        }

        /** The problem document: {@code type}, {@code title}, {@code status} and {@code detail}. */
        static byte[] body(int status, String reason) {
            String title = HttpStatus.getMessage(status);
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", title);
            problem.put("status", status);
            problem.put("detail", detail(status, reason == null || reason.isBlank() ? title : reason));
            try {
                return JSON.writeValueAsBytes(problem);
            } catch (JsonProcessingException e) {
                return ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            }
        }

        private static String detail(int status, String reason) {
            return switch (status) {
                case 414 -> "the request URI is too long (" + reason + ")";
                case 431 -> "the request headers are too large (" + reason + ")";
                default -> "the request could not be parsed: " + reason;
            };
        }
    }
}
