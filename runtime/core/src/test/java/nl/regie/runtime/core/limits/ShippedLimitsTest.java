package nl.regie.runtime.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The limits file shipped in the repository's config folder says the defaults, and its example override reads. */
class ShippedLimitsTest {

    private static final Path SHIPPED = Path.of("..", "..", "config", "nl.regie.runtime.limits.cfg");

    @Test
    void asShippedItChangesNothingAndWhatItShowsCommentedOutAreTheDefaults() throws IOException {
        List<String> lines = Files.readAllLines(SHIPPED);
        Properties active = new Properties();
        active.load(new StringReader(String.join("\n", lines)));
        assertEquals(Map.of(), active, "every value is commented out: the defaults apply");

        // Uncommented, the values it shows are the defaults, and its example override is a valid one.
        StringBuilder shown = new StringBuilder();
        for (String line : lines) {
            if (line.matches("#\\s+[a-zA-Z]+ = .*") || line.matches("#\\s{4,}\\S.*")) {
                shown.append(line.substring(1).strip()).append('\n');
            }
        }
        Properties uncommented = new Properties();
        uncommented.load(new StringReader(shown.toString()));
        Map<String, Object> properties = new HashMap<>();
        uncommented.forEach((key, value) -> properties.put((String) key, value));
        LimitSettings settings = LimitSettings.parse(properties);
        assertEquals(LimitValues.DEFAULTS, settings.defaults());
        assertEquals(LimitSettings.DEFAULT_THREAD_CHECK_SECONDS, settings.threadCheckSeconds());
        assertEquals(1, settings.overrides().size());
        assertTrue(settings.forPlugin("nl.regie.mobility").publishPerSecond() > LimitValues.DEFAULTS.publishPerSecond());
    }
}
