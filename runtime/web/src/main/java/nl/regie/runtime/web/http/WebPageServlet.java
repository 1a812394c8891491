package nl.regie.runtime.web.http;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The web page: {@code GET /} (and {@code /index.html}) is {@code web/index.html} from the runtime bundle, and
 * {@code GET /ui/{name}} its scripts, style sheet and icon from {@code web/}. Nothing is fetched from elsewhere.
 *
 * <p>{@code /} is the whiteboard's default pattern: it only gets requests that no other servlet matches, so it never
 * shadows {@code /api/*}, {@code /health} or {@code /metrics}; any other path it gets answers a 404 problem. Answers
 * carry an {@code ETag} and {@code Cache-Control: no-cache}, so a browser revalidates (a 304 when unchanged) and a new
 * runtime's page is seen at once.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/", "/ui/*"})
public class WebPageServlet extends KnownMethodsServlet {

    private static final long serialVersionUID = 1L;

    /** Where the page's files are in the bundle. */
    static final String ROOT = "/web/";
    /** An asset name: one path segment, lower-case, with a known extension. */
    private static final Pattern ASSET = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(js|css|svg|ico)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml",
            "ico", "image/x-icon");
    /** The page talks to this server only; no inline script, no frames. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final transient Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();


    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = assetName(request);
        Optional<Asset> asset = name == null ? Optional.empty() : assets.computeIfAbsent(name, WebPageServlet::load);
        if (asset.isEmpty()) {
            Json.problem(response, 404, "Not Found", "nothing is served at " + request.getRequestURI()
                    + ": the web page is at /, its files under /ui/", request.getRequestURI());
            return;
        }
        send(asset.get(), request, response);
    }

    /** The file a request asks for, or null when the path names none. */
    static String assetName(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        if ("/ui".equals(servletPath)) {
            String name = pathInfo == null ? "" : pathInfo.substring(1);
            return ASSET.matcher(name).matches() ? name : null;
        }
        String path = servletPath + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() || path.equals("/") || path.equals("/index.html") ? "index.html" : null;
    }

    private static void send(Asset asset, HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("ETag", asset.etag());
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (asset.type().startsWith("text/html")) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("Referrer-Policy", "no-referrer");
        }
        String match = request.getHeader("If-None-Match");
        if (match != null && (match.equals(asset.etag()) || match.equals("*"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(200);
        response.setContentType(asset.type());
        response.setContentLength(asset.bytes().length);
        response.getOutputStream().write(asset.bytes());
    }

    private static Optional<Asset> load(String name) {
        try (InputStream in = WebPageServlet.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(bytes, TYPES.get(extension), etag(bytes)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + ROOT + name + " from the runtime bundle", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + HexFormat.of().formatHex(digest, 0, 12) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A file of the page, read once. */
    private record Asset(byte[] bytes, String type, String etag) {
    }
}
