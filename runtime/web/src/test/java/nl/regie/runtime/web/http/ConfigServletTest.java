package nl.regie.runtime.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import nl.regie.runtime.spi.config.ConfigFiles;
import nl.regie.runtime.spi.config.ConfigFiles.FileStatus;
import nl.regie.runtime.spi.config.ConfigFiles.State;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class ConfigServletTest {

    private static final Instant T0 = Instant.parse("2026-12-15T16:50:00Z");
    private static final Instant T1 = Instant.parse("2026-12-15T16:51:00Z");

    private static ConfigFiles files(Path folder, List<FileStatus> files) {
        return new ConfigFiles() {
            @Override
            public Optional<Path> folder() {
                return Optional.ofNullable(folder);
            }

            @Override
            public long pollMillis() {
                return 1000;
            }

            @Override
            public List<FileStatus> files() {
                return files;
            }
        };
    }

    private static ServletFakes.Response get(ConfigFiles files, String pathInfo) throws Exception {
        ServletFakes.Response response = new ServletFakes.Response();
        new ConfigServlet(files).service(ServletFakes.request("GET", "/api/config", pathInfo, null, null), response.servlet);
        return response;
    }

    private final ConfigFiles folder = files(Path.of("/srv/regie/config"), List.of(
            new FileStatus("nl.regie.lighting", "config/nl.regie.lighting.cfg", State.PENDING,
                    "waiting for a plugin that declares PID nl.regie.lighting", T0, null),
            new FileStatus("nl.regie.waste", "config/nl.regie.waste.cfg", State.REFUSED,
                    "full.threshold = 1.5 is above the maximum 1", T1, T0)));

    @Test
    void everyFileWithItsState() throws Exception {
        ServletFakes.Response response = get(folder, null);
        assertEquals(200, response.status);
        assertEquals("application/json", response.contentType);
        JsonNode json = response.json();
        assertTrue(json.get("enabled").booleanValue());
        assertEquals("/srv/regie/config", json.get("folder").textValue());
        assertEquals(1000, json.get("pollMillis").intValue());
        JsonNode waste = json.get("files").get(1);
        assertEquals("nl.regie.waste", waste.get("pid").textValue());
        assertEquals("config/nl.regie.waste.cfg", waste.get("file").textValue());
        assertEquals("refused", waste.get("state").textValue());
        assertEquals("full.threshold = 1.5 is above the maximum 1", waste.get("message").textValue());
        assertEquals("2026-12-15T16:51:00Z", waste.get("since").textValue());
        assertEquals("2026-12-15T16:50:00Z", waste.get("appliedAt").textValue());
        assertTrue(json.get("files").get(0).get("appliedAt").isNull());
        assertEquals("pending", json.get("files").get(0).get("state").textValue());
    }

    @Test
    void oneFileByPidOrAProblem() throws Exception {
        assertEquals("refused", get(folder, "/nl.regie.waste").json().get("state").textValue());

        ServletFakes.Response missing = get(folder, "/nl.regie.mobility");
        assertEquals(404, missing.status);
        assertEquals("application/problem+json", missing.contentType);
        assertEquals("the configuration folder /srv/regie/config has no file nl.regie.mobility.cfg",
                missing.json().get("detail").textValue());
    }

    @Test
    void withoutAFolderItSaysSo() throws Exception {
        JsonNode json = get(files(null, List.of()), null).json();
        assertEquals(false, json.get("enabled").booleanValue());
        assertTrue(json.get("folder").isNull());
        assertEquals(0, json.get("files").size());
        assertEquals("no configuration folder is set (the launcher's --config-dir)",
                get(files(null, List.of()), "/x").json().get("detail").textValue());
    }
}
