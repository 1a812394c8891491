package nl.regie.runtime.sovereignty.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import nl.regie.runtime.signatures.CheckedSignatures;
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
 *
 * <p>Verifying a signature (every entry's digest and the signature itself, on a copy of the content) took most of a
 * restored plugin's time at a restart. What the verification found is therefore recorded by a digest of the content
 * it verified ({@link #contentDigest}: every entry's path and bytes), in {@link CheckedSignatures} (under a MAC, in the
 * state folder), and the same content at the next start is only read and digested. A content whose signature does not
 * hold, or that cannot be read, is not recorded: it is judged in full every time.
 */
final class PluginSigners extends BundleTracker<String> {

    private static final int STATES = Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE
            | Bundle.STOPPING;

    private final RuntimeBundles runtime;
    private final Consumer<Map<String, String>> changed;
    private final CheckedSignatures checked;
    private final Logger logger;
    private final Map<Long, Signed> byBundle = new HashMap<>();

    private record Signed(String symbolicName, String fingerprint) {
    }

    PluginSigners(BundleContext context, Consumer<Map<String, String>> changed, CheckedSignatures checked,
            Logger logger) {
        super(context, STATES, null);
        this.runtime = RuntimeBundles.of(context);
        this.changed = changed;
        this.checked = checked;
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
            List<String> paths = paths(bundle);
            String digest = contentDigest(paths, path -> {
                URL url = bundle.getEntry(path);
                return url == null ? null : url.openStream();
            });
            Optional<CheckedSignatures.Checked> known = checked.find(digest);
            if (known.isPresent()) {
                return known.get().signer().map(JarSignatures.Signer::fingerprint).orElse("");
            }
            copy = Files.createTempFile("regie-signer-", ".jar");
            copyContent(bundle, paths, copy);
            Optional<JarSignatures.Signer> signer = JarSignatures.verify(copy);
            checked.remember(digest, signer);
            return signer.map(JarSignatures.Signer::fingerprint).orElse("");
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

    /** The bundle's entry paths (files only), in the order a signed jar wants: the manifest, the rest of META-INF, the rest. */
    private static List<String> paths(Bundle bundle) {
        List<String> paths = new ArrayList<>();
        collect(bundle, "/", paths);
        paths.sort(Comparator.comparingInt(PluginSigners::rank).thenComparing(Comparator.naturalOrder()));
        return paths;
    }

    /** Opens one entry of a content, or gives null when it is not there. */
    interface Entries {
        InputStream open(String path) throws IOException;
    }

    /**
     * A SHA-256 of what a signature check reads of a content: each entry's path and bytes in the given order, each
     * path and each entry's length written before it, so that no two different contents give the same input.
     */
    static String contentDigest(List<String> paths, Entries entries) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (String path : paths) {
            try (InputStream in = entries.open(path)) {
                if (in == null) {
                    continue;
                }
                byte[] name = path.getBytes(StandardCharsets.UTF_8);
                digest.update(lengthOf(name.length));
                digest.update(name);
                byte[] content = in.readAllBytes();
                digest.update(lengthOf(content.length));
                digest.update(content, 0, content.length);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] lengthOf(long length) {
        return ByteBuffer.allocate(Long.BYTES).putLong(length).array();
    }

    /** Writes the bundle's entries, as stored, into a jar, in the order of {@link #paths}. */
    private static void copyContent(Bundle bundle, List<String> paths, Path jar) throws IOException {
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
