package nl.regie.runtime.web.http;

import java.io.IOException;
import java.time.Clock;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.history.History;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.web.access.Caller;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/history?type=&bbox=&from=&to=&bucket=&attrs=&aggregate=}: every entity of a type within an area,
 * its series over a range (see {@link HistoryParameters} and {@link HistoryAnswers}), as the caller may see them.
 * Unsatisfied without the history bundle, so the path is then 404. One entity's history is
 * {@code /api/entities/{id}/history}, served by {@link EntitiesServlet} with the same classes.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/history")
public class HistoryServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    private final transient History history;
    private final transient AccessPolicy policy;
    private final transient Clock clock;

    /** Serves the given history, as the policy lets each caller see it. */
    @Activate
    public HistoryServlet(@Reference History history,
            @Reference(policyOption = ReferencePolicyOption.GREEDY) AccessPolicy policy) {
        this(history, policy, Clock.systemUTC());
    }

    HistoryServlet(History history, AccessPolicy policy, Clock clock) {
        this.history = history;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HistoryParameters parameters;
        try {
            parameters = HistoryParameters.area(request.getParameterMap(), clock.instant());
        } catch (IllegalArgumentException e) {
            Json.problem(response, 400, "Bad Request", e.getMessage(), request.getRequestURI());
            return;
        }
        // A type the caller's token may not read gives no entities, as in /api/entities?type=.
        HistoryAnswers.area(history, parameters, PartyView.of(Caller.of(request), policy), request, response);
    }
}
