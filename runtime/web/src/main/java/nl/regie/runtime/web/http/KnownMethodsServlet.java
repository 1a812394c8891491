package nl.regie.runtime.web.http;

import java.io.IOException;

import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.web.access.RequestCheck;

/**
 * A servlet that answers a method no Regie path has (anything but {@link RequestCheck#METHODS}) with 405, and the error
 * page's {@code Allow} naming the methods it has, rather than the servlet API's 501: an unknown method is the client's
 * mistake. Otherwise it dispatches as {@link HttpServlet} does, so the error page can still read its methods off the
 * {@code doXxx} it overrides.
 */
abstract class KnownMethodsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (!RequestCheck.METHODS.contains(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        super.service(request, response);
    }
}
