package nl.regie.runtime.web.http;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import nl.regie.runtime.spi.config.ConfigFiles;
import nl.regie.runtime.web.json.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /api/config}: the configuration folder and what became of each of its {@code <pid>.cfg} files
 * (applied, refused and why, or pending until a plugin declares the PID); {@code GET /api/config/{pid}}: one file.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/api/config", "/api/config/*"})
public class ConfigServlet extends GuardedServlet {

    private static final long serialVersionUID = 1L;

    private final transient ConfigFiles files;

    /** Serves the given configuration folder's status. */
    @Activate
    public ConfigServlet(@Reference ConfigFiles files) {
        this.files = files;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("enabled", files.folder().isPresent());
            body.put("folder", files.folder().map(Object::toString).orElse(null));
            body.put("pollMillis", files.pollMillis());
            body.put("files", files.files().stream().map(ConfigServlet::file).toList());
            Json.write(response, 200, body);
            return;
        }
        String pid = path.substring(1);
        Optional<ConfigFiles.FileStatus> file = files.files().stream().filter(f -> f.pid().equals(pid)).findFirst();
        if (file.isEmpty()) {
            Json.problem(response, 404, "Not Found", files.folder()
                    .map(dir -> "the configuration folder " + dir + " has no file " + pid + ".cfg")
                    .orElse("no configuration folder is set (the launcher's --config-dir)"), request.getRequestURI());
            return;
        }
        Json.write(response, 200, file(file.get()));
    }

    static Map<String, Object> file(ConfigFiles.FileStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", status.pid());
        json.put("file", status.file());
        json.put("state", status.state().label());
        json.put("message", status.message());
        json.put("since", status.since().toString());
        json.put("appliedAt", status.appliedAt() == null ? null : status.appliedAt().toString());
        return json;
    }
}
