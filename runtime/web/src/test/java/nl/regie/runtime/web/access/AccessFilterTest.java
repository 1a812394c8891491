package nl.regie.runtime.web.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.servlet.FilterChain;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AccessFilterTest {

    private final List<AuditEvent> audited = new ArrayList<>();
    private final RecordingLogger log = new RecordingLogger();

    private static final String OPERATOR_SECRET = "op3rator-Secret_0123456789abcdefghijkl";

    private AccessFilter filter(boolean loopback) {
        return filter(loopback, false);
    }

    private AccessFilter filter(boolean loopback, boolean openLoopback) {
        AccessFilter filter = new AccessFilter(loopback, openLoopback, Optional.of(operatorToken()), log.logger());
        filter.setTokens(TokenList.parse(new String[] {
            "police-app police read:CrowdFlowObserved " + TokenListTest.hash("police-secret"),
            "ops city operator " + TokenListTest.hash("ops-secret"),
            "feeder-app parking publish:ParkingSpot " + TokenListTest.hash("feeder-secret"),
            "metrics-app city metrics " + TokenListTest.hash("metrics-secret")}));
        filter.setAudit(audited::add);
        return filter;
    }

    /** What one request through the filter came to. */
    private static final class Exchange {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final Map<String, Object> attributes = new HashMap<>();
        boolean passed;

        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(body.toString(StandardCharsets.UTF_8));
        }

        Caller caller() {
            return (Caller) attributes.get(Caller.ATTRIBUTE);
        }
    }

    private OperatorToken operatorToken() {
        try {
            Path file = Files.createTempFile("operator", ".token");
            Files.writeString(file, OPERATOR_SECRET + "\n");
            try {
                return OperatorToken.read(file.toString()).orElseThrow();
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Exchange call(AccessFilter filter, String method, String servletPath, String pathInfo,
            String authorization) throws Exception {
        return call(filter, method, servletPath, pathInfo, authorization, "127.0.0.1:8080");
    }

    private static Exchange call(AccessFilter filter, String method, String servletPath, String pathInfo,
            String authorization, String host) throws Exception {
        return call(filter, method, servletPath, pathInfo, null, authorization, host, (req, resp) -> { });
    }

    private static Exchange call(AccessFilter filter, String method, String servletPath, String pathInfo, String query,
            String authorization, String host, FilterChain next) throws Exception {
        Exchange exchange = new Exchange();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "getRequestURI" -> servletPath + (pathInfo == null ? "" : pathInfo);
                    case "getQueryString" -> query;
                    case "getHeader" -> "Authorization".equals(args[0]) ? authorization
                            : "Host".equals(args[0]) ? host : null;
                    case "getRemoteAddr" -> "192.0.2.7";
                    case "setAttribute" -> exchange.attributes.put((String) args[0], args[1]);
                    case "getAttribute" -> exchange.attributes.get(args[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "setStatus" -> {
                        exchange.status = (Integer) args[0];
                        yield null;
                    }
                    case "setHeader" -> exchange.headers.put((String) args[0], (String) args[1]);
                    case "setContentType" -> exchange.headers.put("Content-Type", (String) args[0]);
                    case "setCharacterEncoding" -> null;
                    case "isCommitted" -> exchange.body.size() > 0;
                    case "getOutputStream" -> new ServletOutputStream() {
                        @Override
                        public void write(int b) {
                            exchange.body.write(b);
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setWriteListener(WriteListener listener) {
                        }
                    };
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        filter.doFilter(request, response, (req, resp) -> {
            exchange.passed = true;
            next.doFilter(req, resp);
        });
        return exchange;
    }

    private static ClassLoader getLoader() {
        return HttpServletRequest.class.getClassLoader();
    }

    @Test
    void onLoopbackNoTokenIs401Too() throws Exception {
        Exchange exchange = call(filter(true), "GET", "/api/plugins", null, null);
        assertFalse(exchange.passed);
        assertEquals(401, exchange.status);
        assertTrue(exchange.json().get("detail").asText().contains("on loopback too"), exchange.json().toString());
        assertTrue(exchange.json().get("detail").asText().contains("operator.token"), exchange.json().toString());
        assertEquals("401", audited.get(0).outcome());
    }

    @Test
    void theOperatorsTokenIsTheOperatorOnLoopbackAndBeyond() throws Exception {
        for (boolean loopback : new boolean[] {true, false}) {
            Exchange exchange = call(filter(loopback), "GET", "/api/plugins", null, "Bearer " + OPERATOR_SECRET);
            assertTrue(exchange.passed);
            assertSame(Caller.LOCAL_OPERATOR, exchange.caller());
        }
        assertEquals(401, call(filter(true), "GET", "/api/plugins", null, "Bearer " + OPERATOR_SECRET + "x").status);
        assertTrue(audited.size() == 1);
    }

    @Test
    void onlyTheDevelopmentSwitchMakesATokenlessLoopbackCallerTheOperator() throws Exception {
        Exchange open = call(filter(true, true), "GET", "/api/plugins", null, null);
        assertTrue(open.passed);
        assertSame(Caller.LOCAL_OPERATOR, open.caller());
        assertEquals(401, call(filter(false, true), "GET", "/api/plugins", null, null).status,
                "beyond loopback the switch changes nothing");
    }

    @Test
    void onLoopbackARequestForAnotherHostIs421() throws Exception {
        for (String host : new String[] {"attacker.example", "attacker.example:8080", "127.0.0.1.nip.io:8080",
                "192.0.2.1:8080", "[2001:db8::1]:8080", "localhost:80x"}) {
            Exchange exchange = call(filter(true), "GET", "/api/entities", null, "Bearer " + OPERATOR_SECRET, host);
            assertFalse(exchange.passed, host);
            assertEquals(421, exchange.status, host);
            assertTrue(exchange.json().get("detail").asText().contains("bound to loopback"), host);
        }
        for (String host : new String[] {"localhost", "localhost:8080", "127.0.0.1:8080", "127.1.2.3", "[::1]:8080",
                "LOCALHOST:8080"}) {
            assertTrue(call(filter(true), "GET", "/api/entities", null, "Bearer " + OPERATOR_SECRET, host).passed, host);
        }
        assertTrue(call(filter(false), "GET", "/api/entities", null, "Bearer " + OPERATOR_SECRET, "regie.example")
                .passed, "beyond loopback every request carries a token: the name is not checked");
        assertEquals("421", audited.get(0).outcome());
    }

    @Test
    void beyondLoopbackNoTokenIs401WithAChallenge() throws Exception {
        Exchange exchange = call(filter(false), "GET", "/api/entities", null, null);
        assertFalse(exchange.passed);
        assertEquals(401, exchange.status);
        assertEquals("Bearer realm=\"regie\"", exchange.headers.get("WWW-Authenticate"));
        assertEquals("application/problem+json", exchange.headers.get("Content-Type"));
        JsonNode problem = exchange.json();
        assertEquals(401, problem.get("status").asInt());
        assertEquals("/api/entities", problem.get("instance").asText());
        assertTrue(problem.get("detail").asText().contains("Authorization: Bearer"));
        assertEquals(1, audited.size());
        assertEquals(AuditEvent.ACCESS, audited.get(0).kind());
        assertEquals("401", audited.get(0).outcome());
        assertEquals("/api/entities", audited.get(0).target());
    }

    @Test
    void aWrongTokenIs401EvenOnLoopback() throws Exception {
        for (String header : new String[] {"Bearer nope", "Bearer ", "Basic b3BzOm9wcw==", "police-secret"}) {
            Exchange exchange = call(filter(true), "GET", "/health", null, header);
            assertFalse(exchange.passed, header);
            assertEquals(401, exchange.status, header);
            assertEquals("Bearer realm=\"regie\", error=\"invalid_token\"", exchange.headers.get("WWW-Authenticate"));
        }
        assertEquals(4, audited.size());
    }

    @Test
    void aValidTokenIsItsCaller() throws Exception {
        Exchange exchange = call(filter(false), "GET", "/api/entities", null, "Bearer police-secret");
        assertTrue(exchange.passed);
        Caller police = exchange.caller();
        assertEquals(List.of("police-app", "police", java.util.Set.of("read:CrowdFlowObserved")),
                List.of(police.name(), police.party(), police.scopes()));
        assertEquals(32, police.grant().length(), police.grant());
        Exchange lowerCase = call(filter(false), "GET", "/health", null, "bearer   ops-secret ");
        assertTrue(lowerCase.passed);
        assertTrue(lowerCase.caller().operator());
        assertEquals("ops", lowerCase.caller().name());
        // The history is read like the entities: the servlets show a party's token what its policy lets it see.
        assertTrue(call(filter(false), "GET", "/api/history", null, "Bearer police-secret").passed);
        assertTrue(call(filter(false), "GET", "/api/history", "/at", "Bearer police-secret").passed);
    }

    @Test
    void aCallersTokenStandsUntilItIsRemovedOrItsSecretPartyOrScopesChange() throws Exception {
        AccessFilter filter = filter(false);
        Caller police = call(filter, "GET", "/api/entities", null, "Bearer police-secret").caller();
        assertTrue(filter.inForce(police));
        assertTrue(filter.inForce(Caller.LOCAL_OPERATOR), "the operator always stands");

        // Another token added, the same one written again: it stands.
        filter.setTokens(TokenList.parse(new String[] {
            "police-app police read:CrowdFlowObserved " + TokenListTest.hash("police-secret"),
            "new-app city read:Streetlight " + TokenListTest.hash("new-secret")}));
        assertTrue(filter.inForce(police));
        for (String changed : List.of(
                "police-app police read:CrowdFlowObserved " + TokenListTest.hash("rotated-secret"),
                "police-app police read:CrowdFlowObserved;read:WasteContainer " + TokenListTest.hash("police-secret"),
                "police-app city read:CrowdFlowObserved " + TokenListTest.hash("police-secret"),
                "other-app police read:CrowdFlowObserved " + TokenListTest.hash("police-secret"))) {
            filter.setTokens(TokenList.parse(new String[] {changed}));
            assertFalse(filter.inForce(police), changed);
        }
        filter.setTokens(TokenList.EMPTY);
        assertFalse(filter.inForce(police), "removed");
        assertFalse(filter.inForce("police-app", ""), "an empty grant never stands");
    }

    @Test
    void aTokenWithoutTheScopeIs403NamingIt() throws Exception {
        Exchange exchange = call(filter(false), "POST", "/api/commands", null, "Bearer police-secret");
        assertFalse(exchange.passed);
        assertEquals(403, exchange.status);
        JsonNode problem = exchange.json();
        assertEquals("command:<EntityType>", problem.get("scope").asText());
        assertTrue(problem.get("detail").asText().contains("police-app"), problem.toString());
        assertNull(exchange.headers.get("WWW-Authenticate"));
        assertEquals("police-app", audited.get(0).actor());
        assertEquals("police", audited.get(0).party());
        assertEquals("403", audited.get(0).outcome());
        assertEquals(403, call(filter(false), "GET", "/api/plugins", "/x", "Bearer police-secret").status);
        assertEquals(403, call(filter(false), "GET", "/metrics", null, "Bearer police-secret").status);
    }

    @Test
    void theNgsiLdApiTakesAReadingOrPublishingTokenAndLeavesTheRestToItsServlets() throws Exception {
        Exchange reader = call(filter(false), "GET", "/ngsi-ld", "/v1/entities", "Bearer police-secret");
        assertTrue(reader.passed);
        assertFalse(reader.caller().mayPublish("CrowdFlowObserved"));
        Exchange feeder = call(filter(false), "POST", "/ngsi-ld", "/v1/entities", "Bearer feeder-secret");
        assertTrue(feeder.passed, "a token with only publish: scopes writes through NGSI-LD");
        assertTrue(feeder.caller().mayPublish("ParkingSpot"));
        assertFalse(feeder.caller().mayPublish("WasteContainer"));
        assertFalse(feeder.caller().mayRead("ParkingSpot"));
        assertEquals(403, call(filter(false), "GET", "/api/entities", null, "Bearer feeder-secret").status,
                "publishing is not reading");
        Exchange neither = call(filter(false), "GET", "/ngsi-ld", "/v1/entities", "Bearer metrics-secret");
        assertEquals(403, neither.status);
        assertEquals("read:<EntityType> or publish:<EntityType>", neither.json().get("scope").asText());
        assertEquals(401, call(filter(false), "GET", "/ngsi-ld", "/v1/entities", null).status);
    }

    @Test
    void theWebPageNeedsNoToken() throws Exception {
        assertTrue(call(filter(false), "GET", "", "/", null).passed);
        assertTrue(call(filter(false), "GET", "/ui", "/app.js", null).passed);
        assertFalse(call(filter(false), "POST", "/ui", "/app.js", null).passed);
        assertTrue(audited.size() == 1);
    }

    @Test
    void thePublicSideNeedsNoTokenWhileTheApiStaysRefused() throws Exception {
        for (boolean loopback : new boolean[] {true, false}) {
            assertTrue(call(filter(loopback), "GET", "/public/sensors", null, null).passed);
            assertTrue(call(filter(loopback), "GET", "/public/sensors.csv", null, null).passed);
            assertTrue(call(filter(loopback), "HEAD", "/public/alerts", "/regie-demo-flood-1.xml", null).passed);
            assertTrue(call(filter(loopback), "GET", "/public/alerts.atom", null, null).passed);
            Exchange post = call(filter(loopback), "POST", "/public/sensors", null, null);
            assertFalse(post.passed);
            assertEquals(401, post.status);
            Exchange api = call(filter(loopback), "GET", "/api/entities", null, null);
            assertFalse(api.passed);
            assertEquals(401, api.status);
            Exchange publicUnderApi = call(filter(loopback), "GET", "/api/public", null, null);
            assertFalse(publicUnderApi.passed);
            assertEquals(401, publicUnderApi.status);
        }
    }

    @Test
    void aBadTokenListIsRefusedAndTheTokensInForceStay() throws Exception {
        AccessFilter filter = filter(false);
        filter.modified(config("x city read:* not-a-hash"));
        List<String> errors = log.messages("error");
        assertEquals(1, errors.size(), log.entries().toString());
        assertTrue(errors.get(0).contains("token 'x': the secret must be given as sha256"), errors.get(0));
        assertTrue(call(filter, "GET", "/health", null, "Bearer police-secret").passed);
        filter.modified(config());
        assertEquals(401, call(filter, "GET", "/health", null, "Bearer police-secret").status);
    }

    @Test
    void loopbackIsTheBoundAddress() {
        assertTrue(AccessFilter.loopback("127.0.0.1"));
        assertTrue(AccessFilter.loopback("::1"));
        assertTrue(AccessFilter.loopback("localhost"));
        assertFalse(AccessFilter.loopback(null));
        assertFalse(AccessFilter.loopback("0.0.0.0"));
        assertFalse(AccessFilter.loopback("192.0.2.1"));
    }

    @Test
    void traceIs405BeforeAnythingElseAndNeverEchoesTheToken() throws Exception {
        for (String method : List.of("TRACE")) {
            Exchange exchange = call(filter(true), method, "/api", "/entities", null, "Bearer " + OPERATOR_SECRET,
                    "127.0.0.1:8080", (req, resp) -> { });
            assertEquals(405, exchange.status, method);
            assertFalse(exchange.passed, method);
            assertEquals(RequestCheck.ALLOW, exchange.headers.get("Allow"));
            assertEquals("application/problem+json", exchange.headers.get("Content-Type").split(";")[0]);
            assertFalse(exchange.body.toString(StandardCharsets.UTF_8).contains(OPERATOR_SECRET), method);
        }
        assertTrue(call(filter(true), "TRACE", "/api", "/entities", null, null, "127.0.0.1:8080", (req, resp) -> { })
                .json().path("detail").asText().contains("bearer token"));
    }

    @Test
    void aQueryThatDoesNotDecodeIs400NamingTheEscapeAndReachesNoServlet() throws Exception {
        Exchange bad = call(filter(true), "GET", "/api", "/entities", "type=%zz", "Bearer " + OPERATOR_SECRET,
                "127.0.0.1:8080", (req, resp) -> { });
        assertEquals(400, bad.status);
        assertFalse(bad.passed);
        assertTrue(bad.json().path("detail").asText().contains("malformed escape '%zz' at character 6"),
                bad.json()::toString);
        Exchange good = call(filter(true), "GET", "/api", "/entities", "type=Waste%20Container&near=4.9,52.3,100",
                "Bearer " + OPERATOR_SECRET, "127.0.0.1:8080", (req, resp) -> { });
        assertTrue(good.passed);
    }

    @Test
    void aClientThatBreaksOffIs400NotAnErrorAndAnotherFailureStillPropagates() throws Exception {
        Exchange cut = call(filter(true), "POST", "/api", "/commands", null, "Bearer " + OPERATOR_SECRET,
                "127.0.0.1:8080", (req, resp) -> {
                    throw new IOException("reading the body", new EOFException("Early EOF"));
                });
        assertEquals(400, cut.status);
        assertTrue(cut.json().path("detail").asText().startsWith("the request ended before its body did"));
        assertEquals(List.of(), log.messages("error"));
        assertEquals(List.of(), log.messages("warn"));
        assertEquals(1, log.messages("debug").size(), log.entries()::toString);

        IOException disk = assertThrows(IOException.class, () -> call(filter(true), "POST", "/api", "/commands", null,
                "Bearer " + OPERATOR_SECRET, "127.0.0.1:8080", (req, resp) -> {
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", disk.getMessage());
    }

    private static AccessFilter.Config config(String... tokens) {
        return (AccessFilter.Config) Proxy.newProxyInstance(AccessFilter.Config.class.getClassLoader(),
                new Class<?>[] {AccessFilter.Config.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "tokens" -> tokens;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
