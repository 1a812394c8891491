package nl.regie.runtime.ngsild.http;

import java.io.IOException;
import java.util.List;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.ngsild.ld.Contexts;
import nl.regie.runtime.ngsild.problem.NgsiLdException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@code /ngsi-ld/v1/jsonldContexts/regie-context.jsonld}: Regie's own context, the one its answers name when a
 * caller sends it, so a JSON-LD processor that dereferences the Link can read it. Every other path under
 * {@code /ngsi-ld} that no servlet serves is ResourceNotFound, in the standard's terms.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/ngsi-ld/v1/jsonldContexts/*", "/ngsi-ld/*"})
public final class ContextsServlet extends NgsiLdServlet {

    private static final long serialVersionUID = 1L;

    @Activate
    public ContextsServlet(@Reference(service = LoggerFactory.class) Logger log) {
        super(Contexts.shipped(), log);
    }

    @Override
    protected void handle(String method, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        caller(request);
        List<String> path = segments(request);
        boolean contextPath = request.getServletPath().equals("/ngsi-ld/v1/jsonldContexts");
        if (!contextPath || path.size() != 1 || contexts.served().get(path.get(0)) == null) {
            throw NgsiLdException.notFound("no such resource: " + request.getRequestURI());
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw notAllowed(response, method, "GET, HEAD");
        }
        response.setStatus(200);
        response.setContentType(MediaTypes.LD_JSON);
        response.setCharacterEncoding("UTF-8");
        MAPPER.writeValue(response.getOutputStream(), contexts.served().get(path.get(0)));
    }
}
