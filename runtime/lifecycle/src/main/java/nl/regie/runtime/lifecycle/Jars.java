package nl.regie.runtime.lifecycle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/** Jar bytes: checksums, a copy under another symbolic name, and the jar of a bundle as it is installed. */
final class Jars {

    /** Where a jar keeps its manifest. */
    static final String MANIFEST = "META-INF/MANIFEST.MF";

    private Jars() {
    }

    /** The SHA-256 of some bytes, lower-case hex. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The same jar with another Bundle-SymbolicName (its directives, such as singleton, dropped): the pre-flight
     * candidate, which must not collide with the running plugin's name.
     */
    static byte[] renamed(byte[] jar, String symbolicName) {
        try {
            Manifest manifest = manifest(jar);
            manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(jar.length + 256);
            // The manifest goes first, where every reader looks for it; then the other entries as they were.
            try (JarOutputStream out = new JarOutputStream(bytes, manifest);
                    ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
                for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (!entry.getName().equalsIgnoreCase(MANIFEST)) {
                        out.putNextEntry(new ZipEntry(entry.getName()));
                        in.transferTo(out);
                        out.closeEntry();
                    }
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest of a jar, wherever it is in the zip (JarInputStream only looks at the first entries). */
    static Manifest manifest(byte[] jar) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equalsIgnoreCase(MANIFEST)) {
                    return new Manifest(in);
                }
            }
        }
        throw new IOException("the jar has no " + MANIFEST);
    }

    /**
     * The jar of an installed bundle's current revision, rebuilt from its entries (not those of attached fragments):
     * what the lifecycle keeps to restore a plugin it did not install itself.
     */
    static byte[] snapshot(Bundle bundle) {
        URL manifestEntry = bundle.getEntry(MANIFEST);
        if (manifestEntry == null) {
            throw new IllegalStateException(bundle.getSymbolicName() + " " + bundle.getVersion() + " has no manifest entry");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = manifestEntry.openStream()) {
            Manifest manifest = new Manifest(in);
            manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                copyEntries(bundle, "/", out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the entries of " + bundle.getSymbolicName(), e);
        }
        return bytes.toByteArray();
    }

    private static void copyEntries(Bundle bundle, String folder, JarOutputStream out) throws IOException {
        Enumeration<String> paths = bundle.getEntryPaths(folder);
        if (paths == null) {
            return;
        }
        while (paths.hasMoreElements()) {
            String path = paths.nextElement();
            if (path.endsWith("/")) {
                out.putNextEntry(new ZipEntry(path));
                out.closeEntry();
                copyEntries(bundle, path, out);
            } else if (!path.equalsIgnoreCase(MANIFEST)) {
                URL entry = bundle.getEntry(path);
                if (entry != null) {
                    out.putNextEntry(new ZipEntry(path));
                    try (InputStream in = entry.openStream()) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }
}
