package nl.regie.launcher;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import nl.regie.launcher.LauncherOptions.UsageException;

/**
 * A part of the runtime the launcher can leave out with {@code --without}: each is one runtime bundle (and what only
 * it needs), and the rest starts without it. The runtime's core and its SPI are not parts: they are the runtime.
 */
enum Part {
    /** The HTTP API, the live stream, {@code /metrics} and the web page, with the HTTP server. */
    WEB("nl.regie.runtime.web", "org.apache.felix.http.jetty", "org.apache.felix.http.servlet-api"),
    /** The MQTT device bridge; without it the launcher starts no broker and no simulator. */
    DEVICES("nl.regie.runtime.devices"),
    /** The operator's data-sharing policy and the audit log; without it everything acts for one party, unaudited. */
    SOVEREIGNTY("nl.regie.runtime.sovereignty"),
    /** The watched configuration folder; plugins run on their defaults. */
    CONFIG("nl.regie.runtime.config"),
    /** The plugin lifecycle, the plugins folder (and FileInstall, which feeds it) and the shell's regie:* commands. */
    LIFECYCLE("nl.regie.runtime.lifecycle", "org.apache.felix.fileinstall"),
    /** Sharing readings with other sites over a shared broker; idle anyway until configured. */
    FEDERATION("nl.regie.runtime.federation"),
    /**
     * The history of every reading, with DuckDB and the PostgreSQL driver; without it {@code /api/history} and each
     * entity's history are 404.
     */
    HISTORY("nl.regie.runtime.history", "org.duckdb.duckdb_jdbc", "org.postgresql.jdbc"),
    /**
     * The public side: the sensor register and the public warnings (CAP) under {@code /public}; without it, 404. It
     * serves HTTP only, so it is left out with {@link #WEB} too.
     */
    PUBLIC("nl.regie.runtime.public"),
    /**
     * The ETSI NGSI-LD API under {@code /ngsi-ld/v1}; without it, 404. It serves HTTP only, so it is left out with
     * {@link #WEB} too.
     */
    NGSILD("nl.regie.runtime.ngsild");

    private final Set<String> bundles;

    Part(String... bundles) {
        this.bundles = Set.of(bundles);
    }

    /** The symbolic names of the shipped bundles left out with this part. */
    Set<String> bundles() {
        return bundles;
    }

    /** The name {@code --without} takes: {@code web}, {@code devices}, ... */
    String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The bundles left out with all of these parts, and with the parts that need one of them (public and ngsild need web). */
    static Set<String> bundles(Set<Part> parts) {
        Set<Part> out = EnumSet.noneOf(Part.class);
        out.addAll(parts);
        if (out.contains(WEB)) {
            out.add(PUBLIC);
            out.add(NGSILD);
        }
        return out.stream().flatMap(p -> p.bundles().stream()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The parts a comma-separated list names, such as {@code web,devices}.
     *
     * @throws UsageException naming the setting, the unknown word and the parts there are
     */
    static Set<Part> parse(Setting setting) throws UsageException {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        if (setting == null) {
            return parts;
        }
        for (String word : setting.value().split(",")) {
            String name = word.trim();
            Part part = Arrays.stream(values()).filter(p -> p.flagName().equals(name)).findFirst().orElse(null);
            if (part == null) {
                throw new UsageException(setting.origin() + ": '" + name + "' is not a part of the runtime that can be"
                        + " left out; the parts are " + Arrays.stream(values()).map(Part::flagName)
                        .collect(Collectors.joining(", ")));
            }
            parts.add(part);
        }
        return parts;
    }
}
