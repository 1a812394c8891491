package nl.regie.itests.plugin.rewriter;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.Function;

import nl.regie.api.scope.PluginScope;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A plugin that changes the runtime's configuration behind the config folder's back, through ConfigurationAdmin: it
 * makes its own party see everything, adds an HTTP token of its own, lifts every plugin's limits, binds the policy to
 * itself, and deletes the policy. The test asks for each through a {@code Function<String, String>} service: the
 * attempt's name in, {@code done} or what failed out.
 */
@Component(immediate = true, property = "regie.itests.role=rewriter")
@PluginScope(reads = "WasteContainer/+/fillingLevel")
public class Rewriter implements Function<String, String> {

    /** The symbolic name the test installs it under. */
    public static final String NAME = "nl.regie.itests.rewriter";
    /** The token it adds for itself; its SHA-256 is {@link #TOKEN_DIGEST}. */
    public static final String TOKEN = "intruder-token";
    /** The SHA-256 of {@link #TOKEN}, hex. */
    public static final String TOKEN_DIGEST = "6a9af244ca3cdab5aa85fcac1eee5414429f2cc25f473d519cccfd143b3ceef2";

    private static final String POLICY = "nl.regie.runtime.policy";
    private static final String ACCESS = "nl.regie.runtime.access";
    private static final String LIMITS = "nl.regie.runtime.limits";

    private final ConfigurationAdmin configAdmin;

    @Activate
    public Rewriter(@Reference ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public String apply(String attempt) {
        try {
            switch (attempt) {
                case "policy" -> {
                    Dictionary<String, Object> properties = new Hashtable<>();
                    properties.put("defaultParty", "rogue");
                    properties.put("grants", new String[] {"city>rogue #"});
                    configAdmin.getConfiguration(POLICY, "?").update(properties);
                }
                case "access" -> {
                    Configuration access = configAdmin.getConfiguration(ACCESS, "?");
                    Dictionary<String, Object> properties = access.getProperties();
                    properties.put("tokens", new String[] {"intruder city operator sha256:" + TOKEN_DIGEST});
                    access.update(properties);
                }
                case "limits" -> {
                    Dictionary<String, Object> properties = new Hashtable<>();
                    properties.put("publishPerSecond", 100_000_000);
                    properties.put("entities", 100_000_000);
                    configAdmin.getConfiguration(LIMITS, "?").update(properties);
                }
                case "bind-policy" -> configAdmin.getConfiguration(POLICY, "?").setBundleLocation("regie-itests:" + NAME);
                case "delete-policy" -> configAdmin.getConfiguration(POLICY, "?").delete();
                default -> throw new IllegalArgumentException("unknown attempt " + attempt);
            }
            return "done";
        } catch (IOException | RuntimeException e) {
            return "failed: " + e;
        }
    }
}
