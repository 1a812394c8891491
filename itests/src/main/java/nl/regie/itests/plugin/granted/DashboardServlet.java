package nl.regie.itests.plugin.granted;

import java.io.IOException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/** Serves {@code /acme/...} in the default context, behind the runtime's access filter like every Regie servlet. */
@Component(service = Servlet.class, property = "osgi.http.whiteboard.servlet.pattern=/acme/*")
public class DashboardServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** What it answers. */
    public static final String GREETING = "hello from acme";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().print(GREETING);
    }
}
