package nl.regie.runtime.spi.config;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the configuration folder did with each of its files, for the HTTP API. Registered by
 * the runtime's ConfigFolderComponent whether or not a folder is configured (without one, {@link #folder()} is empty and
 * there are no files). Private to the runtime bundle.
 */
@ProviderType
public interface ConfigFiles {

    /** The watched folder, absolute; empty when the framework property {@value ConfigFolderComponent#DIR} is not set. */
    Optional<Path> folder();

    /** How often the folder is read, in milliseconds. */
    long pollMillis();

    /** Every {@code .cfg} file in the folder, by PID. */
    List<FileStatus> files();

    /** What became of a file. */
    enum State {
        /** Its values are in ConfigAdmin. */
        APPLIED,
        /** A value, a key or the file itself is wrong; ConfigAdmin was not touched. */
        REFUSED,
        /** No installed plugin declares its PID yet; it is applied when one arrives. */
        PENDING,
        /**
         * ConfigAdmin holds other values than the file's: someone changed the configuration through ConfigurationAdmin
         * behind the folder's back. The folder puts the file's values back at once (and audits it, and raises an
         * alert), so this is seldom seen for long.
         */
        CHANGED;

        /** The state as the API and the log name it: {@code applied}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One file's status.
     *
     * @param pid       the PID: the file name without {@code .cfg}
     * @param file      the file, relative to the working directory when it is below it, as log lines name it
     * @param state     applied, refused or pending
     * @param message   what happened, for a refused file every problem ({@code full.threshold = 1.5 is above the
     *                  maximum 1})
     * @param since     when the file reached this state (or, when applied, was last applied)
     * @param appliedAt when a version of this file was last applied, or null if none was: for a refused file,
     *                  that version is still the running configuration
     */
    record FileStatus(String pid, String file, State state, String message, Instant since, Instant appliedAt) {
    }
}
