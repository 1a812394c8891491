package nl.regie.runtime.pub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

/** What the public servlets share: answers, RFC 9457 problems, and the bound on work in progress. */
final class PublicHttp {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private PublicHttp() {
    }

    /** Writes a text answer, public and cacheable for a few seconds. */
    static void text(HttpServletResponse response, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(contentType + ";charset=utf-8");
        response.setHeader("Cache-Control", "public, max-age=10");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Writes a problem details answer. */
    static void problem(HttpServletResponse response, int status, String title, String detail, String instance)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** Work in progress, bounded: {@link #tryEnter} fails when the bound is reached. */
    static final class Bound {
        private final Semaphore permits;

        Bound(int concurrent) {
            this.permits = new Semaphore(concurrent);
        }

        boolean tryEnter() {
            return permits.tryAcquire();
        }

        void leave() {
            permits.release();
        }
    }

    /** Answers 503 with Retry-After: the bound on work in progress is reached. */
    static void busy(HttpServletResponse response, String instance) throws IOException {
        response.setHeader("Retry-After", "1");
        problem(response, 503, "Service Unavailable", "too many public requests at once; try again in a moment",
                instance);
    }
}
