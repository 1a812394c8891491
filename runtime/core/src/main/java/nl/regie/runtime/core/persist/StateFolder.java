package nl.regie.runtime.core.persist;

import java.nio.file.Path;
import java.util.Optional;

import nl.regie.runtime.statefiles.StateFiles;

import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * Where the core keeps what outlives a restart: {@code <regie.state.dir>/city}, {@code alerts} and {@code commands}.
 * Without the framework property (a framework that is not the launcher's, some tests) the core keeps it in memory
 * only.
 */
public final class StateFolder {

    /** The framework property the launcher sets from {@code --state-dir}. */
    public static final String STATE_DIR_PROPERTY = "regie.state.dir";

    private StateFolder() {
    }

    /** {@code <regie.state.dir>/<name>}, or empty when the property is not set. */
    public static Optional<Path> of(BundleContext context, String name) {
        String dir = context.getProperty(STATE_DIR_PROPERTY);
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir).resolve(name));
    }

    /** A store's reports, on the bundle's log. */
    public static StateFiles.Log log(Logger log) {
        return (level, message) -> {
            switch (level) {
                case ERROR -> log.error(message);
                case WARN -> log.warn(message);
                default -> log.info(message);
            }
        };
    }
}
