package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The ready line is an interface scripts parse: these are its exact forms. */
class StartupReportTest {

    @Test
    void readyLineSaysWhatRunsWithTheConfigFolderAndThePluginsLast() {
        StartupReport report = new StartupReport(Duration.ofMillis(1249), "demo", "http://127.0.0.1:8080/",
                "tcp://127.0.0.1:1883 (embedded)", "simulator: 120 devices, time x60", Path.of("/srv/regie/config"),
                Path.of("/srv/regie/plugins"),
                List.of("nl.regie.lighting 0.1.0", "nl.regie.waste 0.1.0"), List.of());
        assertEquals("Regie ready in 1.2 s: site demo, HTTP http://127.0.0.1:8080/, MQTT tcp://127.0.0.1:1883 (embedded),"
                + " simulator: 120 devices, time x60, config /srv/regie/config, plugins /srv/regie/plugins"
                + " (2 active: nl.regie.lighting 0.1.0, nl.regie.waste 0.1.0)", report.readyLine());
        assertEquals(List.of(), report.detailLines());
    }

    @Test
    void withoutPluginsItSaysSoAndProblemsFollowIndented() {
        StartupReport report = new StartupReport(Duration.ofMillis(800), "amsterdam", "http://10.0.0.5:9090/",
                "ssl://mqtt.example:8883 (external, not reachable yet)", "simulator off", Path.of("/srv/config"),
                Path.of("/srv/plugins"), List.of(),
                List.of("ignored readme.jar: not an OSGi bundle"));
        assertEquals("Regie ready in 0.8 s: site amsterdam, HTTP http://10.0.0.5:9090/,"
                + " MQTT ssl://mqtt.example:8883 (external, not reachable yet), simulator off, config /srv/config,"
                + " plugins /srv/plugins (0 active)",
                report.readyLine());
        assertEquals(List.of("  ignored readme.jar: not an OSGi bundle"), report.detailLines());
    }

    @Test
    void beyondLoopbackItSaysATokenIsRequired() {
        StartupReport report = new StartupReport(Duration.ofMillis(800), "amsterdam", "http://0.0.0.0:9090/",
                "tcp://127.0.0.1:1883 (embedded)", "simulator off", Path.of("/srv/config"), Path.of("/srv/plugins"),
                List.of(), List.of(), true, Set.of());
        assertEquals("Regie ready in 0.8 s: site amsterdam, HTTP http://0.0.0.0:9090/ (bearer token required),"
                + " MQTT tcp://127.0.0.1:1883 (embedded), simulator off, config /srv/config, plugins /srv/plugins"
                + " (0 active)", report.readyLine());
    }

    @Test
    void partsLeftOutAreNamedAfterTheSiteAndWhatTheyRunSaysOff() {
        StartupReport report = new StartupReport(Duration.ofMillis(700), "demo", "off", "off", "simulator off", null,
                null, List.of(), List.of(), false, Set.of(Part.LIFECYCLE, Part.WEB, Part.DEVICES, Part.CONFIG));
        assertEquals("Regie ready in 0.7 s: site demo without web, devices, config, lifecycle, HTTP off, MQTT off,"
                + " simulator off, config off, plugins off", report.readyLine());
    }
}
