package nl.regie.runtime.web.access;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.access.HttpCallers;
import nl.regie.runtime.spi.audit.AuditEvent;
import nl.regie.runtime.spi.audit.AuditLog;
import nl.regie.runtime.web.json.Json;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterAsyncSupported;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The one servlet filter in front of every Regie servlet: who is calling, and may they. {@code Authorization:
 * Bearer <token>} names the {@linkplain OperatorToken operator's token} or a configured {@link Token}; a request
 * without one is refused with 401, on loopback too: any process on the machine can reach loopback. Only with the
 * development switch {@value #OPEN_LOOPBACK} (the launcher's {@code --dev-open-loopback}) does a server bound to
 * loopback take a token-less caller for the {@linkplain Caller#LOCAL_OPERATOR local operator}. A server bound to
 * loopback answers only requests whose {@code Host} names loopback ({@link HostCheck}): a web page elsewhere that
 * rebinds its own name to 127.0.0.1 gets 421. A wrong token is 401; a token without the scope a path needs
 * ({@link AccessRules}) is 403 naming the scope. The web page's static assets need no token (the page asks for one).
 * Every refusal is audited (kind {@code access}). The caller goes into the request attribute
 * {@value Caller#ATTRIBUTE}, where the servlets read it to filter what they answer.
 *
 * <p>Configured under the PID {@value #PID}; a bad token list is refused whole, logged naming the bad element, and
 * the tokens in force stay.
 */
@Component(configurationPid = AccessFilter.PID, service = {Filter.class, HttpCallers.class})
@Designate(ocd = AccessFilter.Config.class)
@HttpWhiteboardFilterPattern("/*")
@HttpWhiteboardFilterAsyncSupported
public final class AccessFilter implements Filter, HttpCallers {

    /** The configuration PID. */
    public static final String PID = "nl.regie.runtime.access";
    /** The framework property with the address Felix HTTP binds to; absent means every address. */
    static final String HOST = "org.apache.felix.http.host";
    /** The framework property that lets a token-less request on loopback be the operator: for a developer's machine. */
    static final String OPEN_LOOPBACK = "regie.http.loopback.open";
    static final String CHALLENGE = "Bearer realm=\"regie\"";
    private static final long CLIENT_GONE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The HTTP access configuration. */
    @ObjectClassDefinition(id = PID, name = "Regie HTTP access",
            description = "Bearer tokens of the HTTP API, one per party application.")
    public @interface Config {

        /** The tokens. */
        @AttributeDefinition(name = "Tokens", required = false,
                description = "Comma-separated; each '<name> <party> <scope>;<scope>... sha256:<hex>' where the scopes"
                        + " are read:<EntityType|*>, command:<EntityType|*>, publish:<EntityType|*>, plugins, audit,"
                        + " metrics, operator and the hex is the SHA-256 of the secret token.")
        String[] tokens() default {};
    }

    private final boolean loopback;
    private final boolean openLoopback;
    private final Optional<OperatorToken> operator;
    private final Logger log;
    private volatile TokenList tokens = TokenList.EMPTY;
    private final AtomicLong clientGoneLoggedAt = new AtomicLong(System.nanoTime() - CLIENT_GONE_LOG_NANOS);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AuditLog audit;

    /** Reads the bound address from the framework and the tokens from the configuration. */
    @Activate
    public AccessFilter(BundleContext context, Config config,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this(loopback(context.getProperty(HOST)), Boolean.parseBoolean(context.getProperty(OPEN_LOOPBACK)),
                OperatorToken.read(context.getProperty(OperatorToken.FILE_PROPERTY)), log);
        modified(config);
        log.info("HTTP access: {} token(s){}; {}", tokens.size(), operator.isPresent() ? " and the operator's" : "",
                !loopback ? "bound beyond loopback, so every request needs a bearer token"
                        : openLoopback ? "bound to loopback and OPEN: any local process without a token is the operator"
                                + " (" + OPEN_LOOPBACK + ", for a developer's machine only)"
                        : "bound to loopback; every request needs a bearer token there too");
    }

    AccessFilter(boolean loopback, boolean openLoopback, Optional<OperatorToken> operator, Logger log) {
        this.loopback = loopback;
        this.openLoopback = openLoopback;
        this.operator = operator;
        this.log = log;
    }

    /** Takes a new token list, or keeps the one in force when it is bad. */
    @Modified
    void modified(Config config) {
        try {
            setTokens(TokenList.parse(config.tokens()));
        } catch (IllegalArgumentException e) {
            log.error("The HTTP access configuration {} is refused, the {} token(s) in force stay: {}", PID,
                    tokens.size(), e.getMessage());
        }
    }

    void setTokens(TokenList tokens) {
        this.tokens = tokens;
    }

    /**
     * Whether the token of this name is configured now as it was when the grant was taken: what a live stream and an
     * NGSI-LD subscription ask, so that a token removed, given a new secret or other scopes stops what it started.
     */
    @Override
    public boolean inForce(String tokenName, String grant) {
        return tokens.stands(tokenName, grant);
    }

    void setAudit(AuditLog audit) {
        this.audit = audit;
    }

    /** Whether this address (a name or a literal; null for every address) is loopback only. */
    static boolean loopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        String path = path(request);
        String method = request.getMethod();
        String badMethod = RequestCheck.methodRefusal(method);
        if (badMethod != null) {
            response.setHeader("Allow", RequestCheck.ALLOW);
            Json.problem(response, 405, "Method Not Allowed", badMethod, request.getRequestURI(), Map.of());
            return;
        }
        String badQuery = RequestCheck.queryRefusal(request.getQueryString());
        if (badQuery != null) {
            Json.problem(response, 400, "Bad Request", badQuery, request.getRequestURI(), Map.of());
            return;
        }
        String host = request.getHeader("Host");
        if (loopback && !HostCheck.loopbackName(host)) {
            record("anonymous", "", method, path, "421", "Host '" + host + "' from " + request.getRemoteAddr());
            Json.problem(response, 421, "Misdirected Request", "this server is bound to loopback and answers only"
                    + " requests for localhost, 127.0.0.1 or [::1], not for '" + host + "' (a page of another site"
                    + " that rebinds its name to this machine is refused)", request.getRequestURI(), Map.of());
            return;
        }
        String header = request.getHeader("Authorization");
        Caller caller;
        if (header == null) {
            if (AccessRules.publicAsset(method, path)) {
                pass(request, response, chain, method, path);
                return;
            }
            if (!loopback) {
                unauthorized(request, response, path, "this server is reachable beyond loopback, so every request"
                        + " needs 'Authorization: Bearer <token>'", "missing");
                return;
            }
            if (!openLoopback) {
                unauthorized(request, response, path, "every request needs 'Authorization: Bearer <token>', on"
                        + " loopback too (any process on this machine can reach it): use the operator's token, which the"
                        + " launcher prints as a link at start and keeps in <state dir>/operator.token", "missing");
                return;
            }
            caller = Caller.LOCAL_OPERATOR;
        } else {
            String secret = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
            if (secret != null && operator.isPresent() && operator.get().matches(secret)) {
                caller = Caller.LOCAL_OPERATOR;
            } else {
                TokenList list = tokens;
                Optional<Token> token = secret == null ? Optional.empty() : list.find(secret);
                if (token.isEmpty()) {
                    unauthorized(request, response, path, "the bearer token is not valid", "invalid");
                    return;
                }
                caller = list.caller(token.get());
            }
        }
        String lacking = AccessRules.refusal(method, path, caller);
        if (lacking != null) {
            record(caller.name(), caller.party(), method, path, "403", "needs scope " + lacking);
            Json.problem(response, 403, "Forbidden", "token '" + caller.name() + "' lacks the scope " + lacking
                    + " that " + method + " " + path + " needs", request.getRequestURI(), Map.of("scope", lacking));
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        pass(request, response, chain, method, path);
    }

    /**
     * Hands the request on. When the client breaks the exchange off (a body that ends early, a connection closed while
     * the answer is written) nothing of the runtime failed: a 400 if it can still be sent, and a debug line at most
     * once a minute, never an error.
     */
    private void pass(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String method,
            String path) throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!RequestCheck.clientGone(e)) {
                throw e;
            }
            long now = System.nanoTime();
            long last = clientGoneLoggedAt.get();
            if (now - last >= CLIENT_GONE_LOG_NANOS && clientGoneLoggedAt.compareAndSet(last, now)) {
                log.debug("A client broke off {} {}: {} (logged at most once a minute)", method, path, e.toString());
            }
            if (!response.isCommitted()) {
                Json.problem(response, 400, "Bad Request", "the request ended before its body did (the connection was"
                        + " closed, or a chunked body was cut short)", request.getRequestURI(), Map.of());
            }
        }
    }

    private void unauthorized(HttpServletRequest request, HttpServletResponse response, String path, String detail,
            String why) throws IOException {
        record("anonymous", "", request.getMethod(), path, "401", why + " token from " + request.getRemoteAddr());
        response.setHeader("WWW-Authenticate", why.equals("invalid") ? CHALLENGE + ", error=\"invalid_token\""
                : CHALLENGE);
        Json.problem(response, 401, "Unauthorized", detail, request.getRequestURI(), Map.of());
    }

    private void record(String actor, String party, String method, String path, String outcome, String detail) {
        AuditLog log = audit;
        if (log != null) {
            log.record(new AuditEvent(Instant.now(), AuditEvent.ACCESS, actor, party, method, path, outcome, detail));
        }
    }

    /** The request's path within the server, decoded: what the whiteboard matched the servlet against. */
    static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    }
}
