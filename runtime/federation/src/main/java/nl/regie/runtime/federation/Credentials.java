package nl.regie.runtime.federation;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * This site's credentials at the shared broker, read from a file of two properties, {@code username} and
 * {@code password} (what the generator writes for each site, see docs/federation.md), so that the password is in no
 * configuration that ConfigAdmin or the config folder would show.
 *
 * @param username the MQTT user name
 * @param password the MQTT password
 */
record Credentials(String username, String password) {

    /**
     * Reads the file.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException naming what is missing
     */
    static Credentials read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        String username = properties.getProperty("username", "").strip();
        String password = properties.getProperty("password", "").strip();
        if (username.isEmpty() || password.isEmpty()) {
            throw new IllegalArgumentException("the credentials file " + file + " must have username= and password=");
        }
        return new Credentials(username, password);
    }

    @Override
    public String toString() {
        return "Credentials[" + username + "]";
    }
}
