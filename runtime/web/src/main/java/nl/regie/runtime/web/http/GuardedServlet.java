package nl.regie.runtime.web.http;

import java.io.IOException;

import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

/**
 * A Regie servlet that answers only requests the access filter has seen. The whiteboard may register a servlet a moment
 * before the filter that guards it (both are services, and nothing orders their registration); a request arriving in that
 * moment gets 503 with {@code Retry-After} instead of being served unchecked. A method no Regie path has is 405
 * ({@link KnownMethodsServlet}).
 */
abstract class GuardedServlet extends KnownMethodsServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (request.getAttribute(Caller.ATTRIBUTE) == null) {
            response.setHeader("Retry-After", "1");
            Json.problem(response, 503, "Service Unavailable",
                    "HTTP access control is not in place yet; try again in a moment", request.getRequestURI());
            return;
        }
        super.service(request, response);
    }
}
