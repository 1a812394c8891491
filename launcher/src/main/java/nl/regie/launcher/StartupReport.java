package nl.regie.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The start-up summary. Its first line is an interface scripts wait for and parse, so its wording stays put: what
 * runs, in this order (the list of plugins, the one part of unbounded length, last):
 *
 * <pre>
 * Regie ready in 1.2 s: site demo, HTTP http://127.0.0.1:8080/, MQTT tcp://127.0.0.1:1883 (embedded), simulator: 120 devices, time x60 (...), config /srv/regie/config, plugins /srv/regie/plugins (2 active: nl.regie.lighting 0.1.0, nl.regie.waste 0.1.0)
 *   not active: nl.regie.mobility 0.1.0 is INSTALLED (see the log above)
 * </pre>
 *
 * <p>When HTTP listens beyond loopback, its URL is followed by {@code (bearer token required)}; on loopback, where a
 * request without a token is the local operator, nothing follows it. The MQTT part is the broker's URL and {@code (embedded)}, {@code (external)} or
 * {@code (external, not reachable yet)}; the simulator part is the simulator's own summary, {@code simulator off}
 * or {@code simulator not started}. Lines below it are indented by two spaces and only there when something needs
 * attention.
 *
 * @param startedIn from the JVM's start to ready
 * @param site the site (city) name
 * @param httpUrl where the HTTP server listens
 * @param mqtt the MQTT broker, as above
 * @param simulator the simulator, as above
 * @param configDir the configuration folder
 * @param pluginsDir the hot-deploy folder
 * @param activePlugins each active plugin as {@code symbolic.name version}, sorted
 * @param notes what needs attention, one line each
 * @param tokensRequired whether every HTTP request needs a bearer token (HTTP listens beyond loopback)
 * @param without the parts of the runtime left out ({@code --without}): then the line says
 *     {@code site demo without web, devices}, and {@code HTTP off}, {@code MQTT off}, {@code config off} or
 *     {@code plugins off} for what is not there
 */
record StartupReport(Duration startedIn, String site, String httpUrl, String mqtt, String simulator, Path configDir,
        Path pluginsDir, List<String> activePlugins, List<String> notes, boolean tokensRequired, Set<Part> without) {

    /** Keeps the parts left out in their declared order (an EnumSet), so the line names them the same way each time. */
    StartupReport {
        without = without.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(without));
    }

    /** A report of HTTP on loopback, where no token is required, with every part running. */
    StartupReport(Duration startedIn, String site, String httpUrl, String mqtt, String simulator, Path configDir,
            Path pluginsDir, List<String> activePlugins, List<String> notes) {
        this(startedIn, site, httpUrl, mqtt, simulator, configDir, pluginsDir, activePlugins, notes, false, Set.of());
    }

    /** The line that begins with {@code Regie ready}. */
    String readyLine() {
        String plugins = activePlugins.isEmpty()
                ? "0 active"
                : activePlugins.size() + " active: " + String.join(", ", activePlugins);
        String siteAndParts = without.isEmpty() ? site
                : site + " without " + without.stream().map(Part::flagName).collect(Collectors.joining(", "));
        String http = httpUrl + (tokensRequired && !"off".equals(httpUrl) ? " (bearer token required)" : "");
        return String.format(Locale.ROOT, "Regie ready in %.1f s: site %s, HTTP %s, MQTT %s, %s, config %s, plugins %s",
                startedIn.toMillis() / 1000.0, siteAndParts, http, mqtt, simulator, configDir == null ? "off" : configDir,
                pluginsDir == null ? "off" : pluginsDir + " (" + plugins + ")");
    }

    /** The indented lines that follow it. */
    List<String> detailLines() {
        return notes.stream().map(note -> "  " + note).toList();
    }
}
