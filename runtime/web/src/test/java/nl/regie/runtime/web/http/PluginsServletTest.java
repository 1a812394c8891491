package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import javax.servlet.http.HttpServletRequest;

import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.monitor.SubscriberInfo;
import nl.regie.runtime.spi.policy.AccessPolicy;
import nl.regie.runtime.testing.FakePluginLifecycle;
import nl.regie.runtime.testing.TestPolicy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

class PluginsServletTest {

    private static final byte[] JAR = ServletFakes.utf8("PK pretend this is a jar");

    @TempDir
    Path uploads;

    private final FakePluginLifecycle lifecycle = new FakePluginLifecycle();
    private final List<PluginInventory.PluginView> views = List.of(new PluginInventory.PluginView("com.example.swap", "1.0.0", 41,
            "ACTIVE", "file:/plugins/swap.jar", List.of(new PluginInventory.ComponentView("com.example.Swap", "ACTIVE", "")),
            List.of(new SubscriberInfo(7, "com.example.swap", "1.0.0", 41, List.of("WasteContainer/+/fillingLevel"),
                    SubscriberInfo.State.ACTIVE, 10, 0, 0, 0, 0, 10_000, ""))));
    private PluginsServlet servlet;

    private ServletFakes.Response call(String method, String pathInfo, String contentType, byte[] body) throws Exception {
        return call(ServletFakes.request(method, "/api/plugins", pathInfo, contentType, body), 1024);
    }

    private ServletFakes.Response call(HttpServletRequest request, long maxBytes) throws Exception {
        servlet = new PluginsServlet(lifecycle, () -> views, new PluginUpload(maxBytes, uploads));
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(request, response.servlet);
        return response;
    }

    private static JsonNode problem(ServletFakes.Response response, int status) throws Exception {
        assertEquals(status, response.status, response.text());
        assertEquals("application/problem+json", response.contentType, response.text());
        return response.json();
    }

    private void assertNoUploadLeft() throws Exception {
        try (Stream<Path> files = Files.list(uploads)) {
            assertEquals(List.of(), files.toList(), "the temporary jar is deleted");
        }
    }

    @Test
    void showsEachPluginsSignerAndTheParty() throws Exception {
        String key = "sha256:" + "c2".repeat(32);
        lifecycle.running("com.example.swap", "1.1.0", 41, "1.0.0");
        lifecycle.running("com.example.sketch", "0.1.0", 42, null);
        TestPolicy policy = new TestPolicy().signedBy("com.example.swap", key).party("com.example.swap", "contractor")
                .party("com.example.sketch", AccessPolicy.NO_PARTY);
        servlet = new PluginsServlet(lifecycle, () -> views, new PluginUpload(1024, uploads), policy);
        ServletFakes.Response response = new ServletFakes.Response();
        servlet.service(ServletFakes.request("GET", "/api/plugins", null, null, null), response.servlet);
        assertEquals(200, response.status, response.text());
        JsonNode plugins = response.json().path("plugins");
        JsonNode swap = plugins.get(0).path("symbolicName").asText().equals("com.example.swap") ? plugins.get(0)
                : plugins.get(1);
        JsonNode sketch = swap == plugins.get(0) ? plugins.get(1) : plugins.get(0);
        assertEquals(key, swap.path("signer").asText(), swap.toString());
        assertEquals("contractor", swap.path("party").asText(), swap.toString());
        assertTrue(sketch.path("signer").isNull(), sketch.toString());
        assertTrue(sketch.path("party").isNull(), "an unsigned plugin acts for no party: " + sketch);
    }

    @Test
    void listsEachPluginWithWhatTheLifecycleKnowsAndItsComponentsAndSubscriptions() throws Exception {
        lifecycle.running("com.example.swap", "1.1.0", 41, "1.0.0");
        ServletFakes.Response response = call("GET", null, null, null);
        assertEquals(200, response.status, response.text());
        JsonNode plugin = response.json().path("plugins").get(0);
        assertEquals("com.example.swap", plugin.path("symbolicName").asText());
        assertEquals("1.1.0", plugin.path("version").asText());
        assertEquals(41, plugin.path("bundleId").asLong());
        assertEquals("ACTIVE", plugin.path("state").asText());
        assertTrue(plugin.path("healthy").asBoolean());
        assertEquals("1.0.0", plugin.path("previousVersion").asText());
        assertFalse(plugin.path("busy").asBoolean());
        assertTrue(plugin.path("leaks").isArray() && plugin.path("problems").isArray());
        assertTrue(plugin.path("lastOutcome").isNull());
        assertEquals("ACTIVE", plugin.path("components").get(0).path("state").asText());
        assertEquals(10, plugin.path("subscriptions").get(0).path("delivered").asLong());
        String text = response.text();
        assertTrue(text.indexOf("\"state\":\"ACTIVE\"") < text.indexOf("\"components\""), "the plugin's own state comes first");
    }

    @Test
    void onePluginComesWithItsHistoryAndARemovedOneIs404WithIt() throws Exception {
        Path jar = Files.write(uploads.resolve("in.jar"), JAR);
        lifecycle.install(jar, "plugins folder");
        Files.delete(jar);
        ServletFakes.Response one = call("GET", "/com.example.swap", null, null);
        assertEquals(200, one.status, one.text());
        JsonNode entry = one.json().path("history").get(0);
        assertEquals("INSTALL", entry.path("operation").asText());
        assertEquals("INSTALLED", entry.path("result").asText());
        assertEquals("plugins folder", entry.path("origin").asText());
        assertEquals("feed", entry.path("sha256").asText());
        assertEquals(35, entry.path("gapMillis").asLong());

        lifecycle.remove("com.example.swap", "shell");
        JsonNode removed = problem(call("GET", "/com.example.swap", null, null), 404);
        assertEquals("no plugin com.example.swap is installed; it was removed (its history is kept)",
                removed.path("detail").asText());
        assertEquals(2, removed.path("history").size());
        assertEquals("no plugin com.example.other is installed",
                problem(call("GET", "/com.example.other", null, null), 404).path("detail").asText());
    }

    @Test
    void postingAJarInstallsItWithItsLocation() throws Exception {
        ServletFakes.Response response = call("POST", null, "application/java-archive", JAR);
        assertEquals(201, response.status, response.text());
        assertEquals("/api/plugins/com.example.swap", response.headers.get("Location"));
        assertEquals("INSTALLED", response.json().path("result").asText());
        assertEquals("HTTP", lifecycle.calls.get(0).origin());
        assertArrayEquals(JAR, lifecycle.calls.get(0).jar(), "the lifecycle gets the body, whole");
        assertNoUploadLeft();
    }

    @Test
    void aPromotedUpdateIs200WithTheOutcome() throws Exception {
        lifecycle.running("com.example.swap", "1.0.0", 41, null);
        lifecycle.jarVersion = "1.1.0";
        ServletFakes.Response response = call("PUT", "/com.example.swap", "application/octet-stream", JAR);
        assertEquals(200, response.status, response.text());
        JsonNode outcome = response.json();
        assertEquals("PROMOTED", outcome.path("result").asText());
        assertEquals("1.0.0", outcome.path("fromVersion").asText());
        assertEquals("1.1.0", outcome.path("toVersion").asText());
        assertEquals(12, outcome.path("held").asLong());
        assertEquals(List.of("update com.example.swap"), lifecycle.operations());
        assertNoUploadLeft();
    }

    @Test
    void aRolledBackUpdateIs422WhoseDetailIsTheReasonAndWhichCarriesTheOutcome() throws Exception {
        lifecycle.running("com.example.swap", "1.1.0", 41, "1.0.0");
        lifecycle.answerNext(FakePluginLifecycle.outcome("com.example.swap", Outcome.Operation.UPDATE, Outcome.Result.ROLLED_BACK,
                "1.1.0", "1.1.0", "component com.example.Swap failed: boom", "HTTP"));
        JsonNode problem = problem(call("PUT", "/com.example.swap", "application/java-archive", JAR), 422);
        assertEquals("component com.example.Swap failed: boom", problem.path("detail").asText());
        assertEquals("Unprocessable Content", problem.path("title").asText());
        assertEquals("ROLLED_BACK", problem.path("outcome").path("result").asText());
        assertEquals("1.1.0", problem.path("outcome").path("toVersion").asText());
        assertNoUploadLeft();
    }

    @Test
    void rollbackAndDeleteGoThroughTheLifecycle() throws Exception {
        lifecycle.running("com.example.swap", "1.1.0", 41, "1.0.0");
        ServletFakes.Response back = call("POST", "/com.example.swap/rollback", null, null);
        assertEquals(200, back.status, back.text());
        assertEquals("ROLLBACK", back.json().path("operation").asText());
        assertEquals("1.0.0", back.json().path("toVersion").asText());

        ServletFakes.Response gone = call("DELETE", "/com.example.swap", null, null);
        assertEquals(200, gone.status, gone.text());
        assertEquals("REMOVED", gone.json().path("result").asText());
        assertEquals(List.of("rollback com.example.swap", "remove com.example.swap"), lifecycle.operations());
        assertEquals(List.of("HTTP", "HTTP"), lifecycle.calls.stream().map(FakePluginLifecycle.Call::origin).toList());
    }

    @Test
    void eachRefusalHasItsStatusWithTheLifecyclesMessageAndReason() throws Exception {
        record Case(Reason reason, int status, String method, String path) {
        }
        for (Case c : List.of(new Case(Reason.NOT_A_BUNDLE, 400, "POST", null), new Case(Reason.WRONG_PLUGIN, 400, "PUT", "/a.b"),
                new Case(Reason.UNKNOWN_PLUGIN, 404, "PUT", "/a.b"), new Case(Reason.ALREADY_INSTALLED, 409, "POST", null),
                new Case(Reason.SAME_VERSION, 409, "PUT", "/a.b"), new Case(Reason.BUSY, 409, "DELETE", "/a.b"),
                new Case(Reason.NOT_RESOLVABLE, 422, "POST", null),
                new Case(Reason.NO_PREVIOUS_VERSION, 409, "POST", "/a.b/rollback"))) {
            lifecycle.refuseNext(c.reason(), "a.b: " + c.reason() + " explained");
            boolean body = c.method().equals("PUT") || c.path() == null;
            ServletFakes.Response response = call(c.method(), c.path(), body ? "application/java-archive" : null, body ? JAR : null);
            JsonNode problem = problem(response, c.status());
            assertEquals("a.b: " + c.reason() + " explained", problem.path("detail").asText(), c.toString());
            assertEquals(c.reason().name(), problem.path("reason").asText());
            assertEquals(c.reason() == Reason.BUSY ? "5" : null, response.headers.get("Retry-After"));
        }
        assertNoUploadLeft();
    }

    @Test
    void aBodyOfAnotherTypeIs415AndAnEmptyOneIs400() throws Exception {
        ServletFakes.Response json = call("POST", null, "application/json", ServletFakes.utf8("{}"));
        assertTrue(problem(json, 415).path("detail").asText().endsWith("application/java-archive or"
                + " application/octet-stream, was application/json"));
        assertEquals("application/java-archive, application/octet-stream", json.headers.get("Accept-Post"));
        problem(call("PUT", "/a.b", null, JAR), 415);
        assertEquals("the body is empty; send the plugin jar as the body",
                problem(call("POST", null, "application/java-archive; q=1", new byte[0]), 400).path("detail").asText());
        assertEquals(List.of(), lifecycle.calls);
        assertNoUploadLeft();
    }

    @Test
    void aJarOverTheLimitIs413WhetherDeclaredOrStreamed() throws Exception {
        byte[] big = new byte[2048];
        assertEquals("the jar of 2048 bytes is larger than 1024 bytes",
                problem(call("POST", null, "application/java-archive", big), 413).path("detail").asText());
        HttpServletRequest declared = ServletFakes.request("PUT", "/api/plugins", "/a.b", "application/java-archive", big);
        HttpServletRequest undeclared = (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> method.getName().startsWith("getContentLength")
                        ? (method.getReturnType() == long.class ? (Object) (-1L) : (Object) (-1)) : method.invoke(declared, args));
        assertEquals("the jar is larger than 1024 bytes", problem(call(undeclared, 1024), 413).path("detail").asText());
        assertEquals(List.of(), lifecycle.calls);
        assertNoUploadLeft();
    }

    @Test
    void badPathsAndMethodsAreNamed() throws Exception {
        assertEquals("'bad name' is not a bundle symbolic name (letters, digits, '.', '-' and '_')",
                problem(call("GET", "/bad name", null, null), 400).path("detail").asText());
        problem(call("GET", "/a.b/history", null, null), 404);
        problem(call("GET", "/a.b/rollback/x", null, null), 404);
        ServletFakes.Response put = call("PUT", null, "application/java-archive", JAR);
        problem(put, 405);
        assertEquals("GET, HEAD, POST", put.headers.get("Allow"));
        ServletFakes.Response post = call("POST", "/a.b", "application/java-archive", JAR);
        problem(post, 405);
        assertEquals("GET, HEAD, PUT, DELETE", post.headers.get("Allow"));
        ServletFakes.Response get = call("GET", "/a.b/rollback", null, null);
        problem(get, 405);
        assertEquals("POST", get.headers.get("Allow"));
        assertEquals(List.of(), lifecycle.calls);
    }
}
