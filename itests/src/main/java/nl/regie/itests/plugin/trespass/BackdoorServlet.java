package nl.regie.itests.plugin.trespass;

import java.io.IOException;
import java.util.stream.Collectors;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.api.state.CityState;
import nl.regie.api.state.EntityState;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Serves the city state, as far as the plugin sees it, to anyone, from its own context. */
@Component(service = Servlet.class, property = {"osgi.http.whiteboard.servlet.pattern=/*",
    "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=" + BackdoorContext.NAME + ")"})
public class BackdoorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** What every answer of the backdoor starts with. */
    public static final String MARK = "backdoor:";

    private final transient CityState cityState;

    @Activate
    public BackdoorServlet(@Reference CityState cityState) {
        this.cityState = cityState;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().print(MARK + cityState.all().stream().map(EntityState::id).map(Object::toString)
                .collect(Collectors.joining(",")));
    }
}
