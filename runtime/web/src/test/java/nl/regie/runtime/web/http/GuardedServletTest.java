package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Proxy;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

class GuardedServletTest {

    /** Answers GET with 200 "served". */
    private static final class Served extends GuardedServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(200);
            response.getOutputStream().write("served".getBytes());
        }
    }

    @Test
    void aRequestTheAccessFilterHasSeenIsServed() throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        new Served().service(ServletFakes.get("/x", null), response.servlet);
        assertEquals(200, response.status);
        assertEquals("served", response.text());
    }

    @Test
    void aRequestWithoutCallerIs503AndNotServed() throws Exception {
        HttpServletRequest seen = ServletFakes.get("/x", null);
        HttpServletRequest unseen = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> m.getName().equals("getAttribute")
                        ? null : m.invoke(seen, args));
        ServletFakes.Response response = new ServletFakes.Response();
        new Served().service(unseen, response.servlet);
        assertEquals(503, response.status);
        assertEquals("1", response.headers.get("Retry-After"));
        assertEquals(503, response.json().get("status").asInt());
    }
}
