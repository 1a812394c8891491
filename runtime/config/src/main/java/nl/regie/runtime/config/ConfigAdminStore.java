package nl.regie.runtime.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The configuration folder's {@link ConfigFolder.Store}: ConfigAdmin, with every configuration made from a file
 * carrying the property {@value #FILE_PROPERTY} (the file's absolute path), so that the folder deletes exactly
 * the configurations it made and never one set some other way, and bound to every bundle ({@value #MULTI_LOCATION}).
 */
final class ConfigAdminStore implements ConfigFolder.Store {

    /** The property that marks a configuration as made from a file of the folder, and names the file. */
    static final String FILE_PROPERTY = "regie.config.file";
    /** The location binding of every configuration the folder makes: any bundle that declares the PID. */
    static final String MULTI_LOCATION = "?";

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
        Configuration configuration = configAdmin.getConfiguration(pid, MULTI_LOCATION);
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

    /** The keys ConfigAdmin adds itself, which are no value of the file's. */
    private static final Set<String> ADMIN_KEYS = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION, FILE_PROPERTY);

    @Override
    public String difference(String pid, String owner, Map<String, Object> values) throws IOException {
        Configuration configuration = existing(pid);
        Dictionary<String, Object> properties = configuration == null ? null : configuration.getProperties();
        if (properties == null) {
            return "deleted";
        }
        List<String> changes = new ArrayList<>();
        Set<String> changed = new TreeSet<>();
        Set<String> added = new TreeSet<>();
        Set<String> removed = new TreeSet<>(values.keySet());
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (ADMIN_KEYS.contains(key)) {
                continue;
            }
            removed.remove(key);
            if (!values.containsKey(key)) {
                added.add(key);
            } else if (!Objects.deepEquals(values.get(key), properties.get(key))) {
                changed.add(key);
            }
        }
        describe(changes, "changed", changed);
        describe(changes, "added", added);
        describe(changes, "removed", removed);
        if (!owner.equals(properties.get(FILE_PROPERTY))) {
            changes.add("not marked as the file's");
        }
        String location = configuration.getBundleLocation();
        if (!MULTI_LOCATION.equals(location)) {
            changes.add("bound to " + (location == null ? "the first bundle that asks" : location)
                    + " instead of every bundle");
        }
        return changes.isEmpty() ? null : String.join(", ", changes);
    }

    private static void describe(List<String> changes, String how, Set<String> keys) {
        if (!keys.isEmpty()) {
            changes.add(String.join(", ", keys) + " " + how);
        }
    }

    @Override
    public void putBack(String pid, String owner, Map<String, Object> values) throws IOException {
        Dictionary<String, Object> properties = new Hashtable<>(values);
        properties.put(FILE_PROPERTY, owner);
        Configuration configuration = configAdmin.getConfiguration(pid, MULTI_LOCATION);
        if (!MULTI_LOCATION.equals(configuration.getBundleLocation())) {
            configuration.setBundleLocation(MULTI_LOCATION);
        }
        configuration.update(properties);
    }

    @Override
    public boolean deleteUnowned(String pid) throws IOException {
        Configuration configuration = existing(pid);
        if (configuration == null) {
            return false;
        }
        configuration.delete();
        return true;
    }

    private Configuration existing(String pid) throws IOException {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "="
                    + escaped(pid) + ")");
            return found == null || found.length == 0 ? null : found[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("PID " + pid + " makes no filter", e);
        }
    }

    private static String escaped(String value) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
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
