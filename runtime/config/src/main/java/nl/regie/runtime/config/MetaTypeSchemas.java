package nl.regie.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.runtime.config.AttributeValue.Range;
import nl.regie.runtime.spi.lifecycle.PluginBundles;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The configuration folder's {@link ConfigFolder.Schemas}: the MetaType Service's information of every installed
 * bundle, plus the attributes' ranges from the bundle's metatype documents ({@link MetatypeRanges}). The newest
 * bundle that declares a PID wins. The MetaType Service caches what it read per resolved bundle, and the ranges
 * are cached here per bundle until it changes, so asking at every poll is cheap. Used from the folder's thread only.
 */
final class MetaTypeSchemas implements ConfigFolder.Schemas {

    /** Where the MetaType Service reads a bundle's metatype documents. */
    private static final String METATYPE_FOLDER = "OSGI-INF/metatype";

    private final BundleContext context;
    private final MetaTypeService metaType;
    private final Logger log;
    private final Map<Long, Ranges> ranges = new HashMap<>();

    /** A bundle's ranges by PID, as of its last modification. */
    private record Ranges(long lastModified, Map<String, Map<String, Range>> byPid) {
    }

    MetaTypeSchemas(BundleContext context, MetaTypeService metaType, Logger log) {
        this.context = context;
        this.metaType = metaType;
        this.log = log;
    }

    @Override
    public Optional<Schema> find(String pid) {
        Bundle[] bundles = context.getBundles();
        for (int i = bundles.length - 1; i >= 0; i--) {
            Bundle bundle = bundles[i];
            if ((bundle.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) == 0
                    || PluginBundles.isCandidate(bundle)) {
                // Gone, not resolved yet (reading its entries would make Felix resolve it, taking the global lock
                // from under a thread that is starting it), or a jar the plugin lifecycle is only checking.
                continue;
            }
            ObjectClassDefinition definition;
            try {
                MetaTypeInformation information = metaType.getMetaTypeInformation(bundle);
                if (information == null || !declares(information.getPids(), pid)) {
                    continue;
                }
                definition = information.getObjectClassDefinition(pid, null);
            } catch (RuntimeException e) {
                // The bundle changed or went while being read (Felix MetaType then throws anything from
                // IllegalStateException to a NullPointerException): the next poll sees it as it is.
                continue;
            }
            if (definition != null) {
                AttributeDefinition[] attributes = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
                return Optional.of(new Schema(attributes == null ? List.of() : Arrays.asList(attributes),
                        ranges(bundle).getOrDefault(pid, Map.of())));
            }
        }
        return Optional.empty();
    }

    private Map<String, Map<String, Range>> ranges(Bundle bundle) {
        Ranges cached = ranges.get(bundle.getBundleId());
        if (cached != null && cached.lastModified() == bundle.getLastModified()) {
            return cached.byPid();
        }
        Map<String, Map<String, Range>> byPid = new HashMap<>();
        try {
            Enumeration<URL> documents = bundle.findEntries(METATYPE_FOLDER, null, false);
            while (documents != null && documents.hasMoreElements()) {
                URL document = documents.nextElement();
                try (InputStream in = document.openStream()) {
                    MetatypeRanges.read(in).forEach(byPid::putIfAbsent);
                } catch (IOException e) {
                    log.debug("Cannot read the ranges in {} of {}: {}", document, bundle.getSymbolicName(), e.getMessage());
                }
            }
        } catch (IllegalStateException e) {
            return Map.of(); // uninstalled meanwhile
        }
        ranges.keySet().removeIf(id -> context.getBundle(id) == null);
        ranges.put(bundle.getBundleId(), new Ranges(bundle.getLastModified(), byPid));
        return byPid;
    }

    private static boolean declares(String[] pids, String pid) {
        return pids != null && Arrays.asList(pids).contains(pid);
    }
}
