package nl.regie.runtime.sovereignty.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import nl.regie.runtime.spi.lifecycle.PluginBundles;
import nl.regie.runtime.spi.lifecycle.RuntimeBundles;
import nl.regie.runtime.spi.policy.JarSignatures;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.log.Logger;
import org.osgi.util.tracker.BundleTracker;

/**
 * Which key signed each plugin bundle in the framework, worked out from the bundle's own content, however it was
 * installed: the lifecycle refuses a jar whose signature does not hold, but a bundle installed behind its back is
 * judged here too. A bundle without a signature that holds counts as unsigned ({@code ""}). Kept per bundle, told to
 * the policy as a map by symbolic name whenever a plugin is installed, updated or uninstalled (a synchronous
 * listener: before the plugin starts).
 */
final class PluginSigners extends BundleTracker<String> {

    private static final int STATES = Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE
            | Bundle.STOPPING;

    private final RuntimeBundles runtime;
    private final Consumer<Map<String, String>> changed;
    private final Logger logger;
    private final Map<Long, Signed> byBundle = new HashMap<>();

    private record Signed(String symbolicName, String fingerprint) {
    }

    PluginSigners(BundleContext context, Consumer<Map<String, String>> changed, Logger logger) {
        super(context, STATES, null);
        this.runtime = RuntimeBundles.of(context);
        this.changed = changed;
        this.logger = logger;
    }

    @Override
    public String addingBundle(Bundle bundle, BundleEvent event) {
        if (!PluginBundles.isPlugin(bundle, runtime)) {
            return null;
        }
        return remember(bundle);
    }

    @Override
    public void modifiedBundle(Bundle bundle, BundleEvent event, String fingerprint) {
        if (event != null && event.getType() == BundleEvent.UPDATED) {
            remember(bundle);
        }
    }

    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, String fingerprint) {
        synchronized (byBundle) {
            byBundle.remove(bundle.getBundleId());
            publish();
        }
    }

    private String remember(Bundle bundle) {
        String fingerprint = signer(bundle);
        synchronized (byBundle) {
            byBundle.put(bundle.getBundleId(), new Signed(bundle.getSymbolicName(), fingerprint));
            publish();
        }
        return fingerprint;
    }

    private void publish() {
        Map<String, String> bySymbolicName = new HashMap<>();
        byBundle.values().forEach(signed -> bySymbolicName.put(signed.symbolicName(), signed.fingerprint()));
        changed.accept(bySymbolicName);
    }

    /** The fingerprint of the key that signed the bundle's current revision, or "" when it has no signature that holds. */
    private String signer(Bundle bundle) {
        Path copy = null;
        try {
            copy = Files.createTempFile("regie-signer-", ".jar");
            copyContent(bundle, copy);
            return JarSignatures.verify(copy).map(JarSignatures.Signer::fingerprint).orElse("");
        } catch (JarSignatures.BadSignatureException e) {
            logger.warn("Plugin {} {} acts for no party: its signature does not hold: {}", bundle.getSymbolicName(),
                    bundle.getVersion(), e.getMessage());
            return "";
        } catch (IOException | RuntimeException e) {
            logger.warn("Plugin {} {} acts for no party: its content could not be read to check its signature: {}",
                    bundle.getSymbolicName(), bundle.getVersion(), e.toString());
            return "";
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    logger.debug("Could not delete {}: {}", copy, e.getMessage());
                }
            }
        }
    }

    /** Writes the bundle's entries, as stored, into a jar: the manifest first, then the rest of META-INF, then the rest. */
    private static void copyContent(Bundle bundle, Path jar) throws IOException {
        List<String> paths = new ArrayList<>();
        collect(bundle, "/", paths);
        paths.sort(java.util.Comparator.comparingInt(PluginSigners::rank));
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(file)) {
            for (String path : paths) {
                URL url = bundle.getEntry(path);
                if (url == null) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(path));
                try (InputStream in = url.openStream()) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private static int rank(String path) {
        if (path.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
            return 0;
        }
        return path.toUpperCase(java.util.Locale.ROOT).startsWith("META-INF/") ? 1 : 2;
    }

    private static void collect(Bundle bundle, String directory, List<String> paths) {
        Enumeration<String> entries = bundle.getEntryPaths(directory);
        if (entries == null) {
            return;
        }
        while (entries.hasMoreElements()) {
            String path = entries.nextElement();
            if (path.endsWith("/")) {
                collect(bundle, path, paths);
            } else {
                paths.add(path);
            }
        }
    }

    /** The fingerprint recorded for a bundle, for tests. */
    Optional<String> of(long bundleId) {
        synchronized (byBundle) {
            return Optional.ofNullable(byBundle.get(bundleId)).map(Signed::fingerprint);
        }
    }
}
