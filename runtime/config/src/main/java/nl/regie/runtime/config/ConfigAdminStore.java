package nl.regie.runtime.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The configuration folder's {@link ConfigFolder.Store}: ConfigAdmin, with every configuration made from a file
 * carrying the property {@value #FILE_PROPERTY} (the file's absolute path), so that the folder deletes exactly
 * the configurations it made and never one set some other way.
 */
final class ConfigAdminStore implements ConfigFolder.Store {

    /** The property that marks a configuration as made from a file of the folder, and names the file. */
    static final String FILE_PROPERTY = "regie.config.file";

    private final ConfigurationAdmin configAdmin;

    ConfigAdminStore(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    @Override
    public boolean apply(String pid, String owner, Map<String, Object> values) throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>(values);
        properties.put(FILE_PROPERTY, owner);
        // "?": a multi-location binding, so the configuration reaches whichever bundle declares the PID, also after
        // the plugin is reinstalled from another location.
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        return configuration.updateIfDifferent(properties);
    }

    @Override
    public List<String> deleteOwnedBy(String owner) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (Configuration configuration : marked()) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties != null && owner.equals(properties.get(FILE_PROPERTY))) {
                String pid = configuration.getPid();
                configuration.delete();
                deleted.add(pid);
            }
        }
        return deleted;
    }

    @Override
    public Set<String> owners() throws IOException {
        Set<String> owners = new LinkedHashSet<>();
        for (Configuration configuration : marked()) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties != null && properties.get(FILE_PROPERTY) instanceof String owner) {
                owners.add(owner);
            }
        }
        return owners;
    }

    private Configuration[] marked() throws IOException {
        try {
            Configuration[] configurations = configAdmin.listConfigurations("(" + FILE_PROPERTY + "=*)");
            return configurations == null ? new Configuration[0] : configurations;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // the filter is a constant
        }
    }
}
