package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

class WebPageServletTest {

    private final WebPageServlet servlet = new WebPageServlet();
    private int contentLength;

    @Test
    void theRootIsThePageWithItsSecurityHeaders() throws Exception {
        ServletFakes.Response response = get("/", null, null);
        assertEquals(200, response.status);
        assertEquals("text/html;charset=utf-8", response.contentType);
        assertTrue(response.text().contains("<script type=\"module\" src=\"/ui/main.js\">"), response.text());
        assertEquals(WebPageServlet.CONTENT_SECURITY_POLICY, response.headers.get("Content-Security-Policy"));
        assertEquals("no-cache", response.headers.get("Cache-Control"));
        assertEquals("nosniff", response.headers.get("X-Content-Type-Options"));
        assertEquals(200, get("/index.html", null, null).status);
    }

    @Test
    void anUnchangedFileIsNotSentAgain() throws Exception {
        String etag = get("/ui", "/main.js", null).headers.get("ETag");
        assertNotNull(etag);
        ServletFakes.Response again = get("/ui", "/main.js", etag);
        assertEquals(304, again.status);
        assertEquals(0, again.body.size());
        assertEquals(200, get("/ui", "/main.js", "\"something else\"").status);
    }

    @Test
    void eachFileHasItsContentType() throws Exception {
        assertEquals("text/javascript;charset=utf-8", get("/ui", "/map.js", null).contentType);
        assertEquals("text/css;charset=utf-8", get("/ui", "/style.css", null).contentType);
        assertEquals("image/svg+xml", get("/ui", "/icon.svg", null).contentType);
    }

    @Test
    void otherPathsAreNotFoundProblems() throws Exception {
        for (String[] path : new String[][] {{"/ui", "/nothing.js"}, {"/ui", "/../web/index.html"}, {"/ui", "/MAIN.JS"},
                {"/ui", "/sub/main.js"}, {"/ui", "/index.html"}, {"/ui", null}, {"/api/nothing", null}, {"/favicon.ico", null}}) {
            ServletFakes.Response response = get(path[0], path[1], null);
            assertEquals(404, response.status, String.join("", path[0], path[1] == null ? "" : path[1]));
            assertEquals("application/problem+json", response.contentType);
            assertTrue(response.json().path("detail").asText().contains("the web page is at /"), response.text());
        }
    }

    /** Every module the page loads, and every module those import, is served: no broken import in the bundle. */
    @Test
    void everyModuleThePageImportsIsServed() throws Exception {
        Pattern reference = Pattern.compile("(?:src|href)=\"/ui/([^\"]+)\"|from '\\./([^']+)'");
        Deque<String> toCheck = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        toCheck.add("index.html");
        while (!toCheck.isEmpty()) {
            String name = toCheck.pop();
            if (!seen.add(name)) {
                continue;
            }
            ServletFakes.Response response = name.equals("index.html") ? get("/", null, null) : get("/ui", "/" + name, null);
            assertEquals(200, response.status, name + " is referenced but not served");
            Matcher matcher = reference.matcher(response.text());
            while (matcher.find()) {
                toCheck.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            }
        }
        assertTrue(seen.containsAll(Set.of("main.js", "api.js", "stream.js", "map.js", "alerts.js", "details.js",
                "plugins.js", "city.js", "symbols.js", "charts.js", "replay.js", "style.css", "icon.svg")), seen.toString());
    }

    @Test
    void theFilesAreInTheBundleUnderWeb() throws IOException {
        try (InputStream in = WebPageServlet.class.getResourceAsStream(WebPageServlet.ROOT + "index.html")) {
            assertNotNull(in);
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("data-testid=\"alert-list\""));
        }
    }

    private ServletFakes.Response get(String servletPath, String pathInfo, String ifNoneMatch) throws Exception {
        HttpServletRequest plain = ServletFakes.get(servletPath, pathInfo);
        Map<String, String> headers = ifNoneMatch == null ? Map.of() : Map.of("If-None-Match", ifNoneMatch);
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> method.getName().equals("getHeader")
                        ? headers.get((String) args[0]) : method.invoke(plain, args));
        ServletFakes.Response response = new ServletFakes.Response();
        // The shared fake response records no content length; this one takes it (and checks it).
        HttpServletResponse servletResponse = (HttpServletResponse) Proxy.newProxyInstance(
                HttpServletResponse.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setContentLength")) {
                        contentLength = (Integer) args[0];
                        return null;
                    }
                    return method.invoke(response.servlet, args);
                });
        contentLength = -1;
        servlet.doGet(request, servletResponse);
        if (response.status == 200) {
            assertEquals(response.body.size(), contentLength, "the Content-Length of " + request.getRequestURI());
        }
        return response;
    }
}
