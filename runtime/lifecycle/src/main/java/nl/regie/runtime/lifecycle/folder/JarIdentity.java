package nl.regie.runtime.lifecycle.folder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Constants;

/**
 * What a jar says it is: its bundle symbolic name and version from the manifest, without installing it.
 *
 * @param symbolicName the Bundle-SymbolicName without its directives ({@code ;singleton:=true})
 * @param version      the Bundle-Version as written, {@code 0.0.0} when absent
 */
public record JarIdentity(String symbolicName, String version) {

    /**
     * Reads a jar's manifest.
     *
     * @return its identity, or empty with {@code why} set when it is not a bundle
     */
    public static Result read(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return Result.no("not an OSGi bundle (it has no META-INF/MANIFEST.MF)");
            }
            String name = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (name == null || name.isBlank()) {
                return Result.no("not an OSGi bundle (its manifest has no Bundle-SymbolicName)");
            }
            int semicolon = name.indexOf(';');
            String version = manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
            return new Result(Optional.of(new JarIdentity((semicolon < 0 ? name : name.substring(0, semicolon)).strip(),
                    version == null || version.isBlank() ? "0.0.0" : version.strip())), "");
        } catch (IOException | SecurityException e) {
            return Result.no("not a readable jar (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The SHA-256 of a file, in lower-case hex: what the lifecycle's history records for each version. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * What {@link #read} found.
     *
     * @param identity the jar's identity, empty when it is not a bundle
     * @param why      why it is not a bundle; empty when it is one
     */
    public record Result(Optional<JarIdentity> identity, String why) {

        static Result no(String why) {
            return new Result(Optional.empty(), why);
        }
    }
}
