package nl.regie.runtime.ngsild.problem;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The NGSI-LD API's error answer: a problem details body ({@code type}, {@code title}, {@code status},
 * {@code detail}, {@code instance}) sent as {@code application/json}, as the standard's clause 6.3.2 has it.
 */
public final class Problems {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Problems() {
    }

    /** The body of a problem, as a map in the order it is written. */
    public static Map<String, Object> body(ProblemType type, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        return body;
    }

    /** Writes the problem; the response must not be committed yet. */
    public static void write(HttpServletResponse response, ProblemType type, String detail, String instance)
            throws IOException {
        response.reset();
        response.setStatus(type.status());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        MAPPER.writeValue(response.getOutputStream(), body(type, detail, instance));
    }

    /** Writes a refused request's problem. */
    public static void write(HttpServletResponse response, NgsiLdException refusal, String instance)
            throws IOException {
        write(response, refusal.type(), refusal.getMessage(), instance);
    }
}
