package nl.regie.runtime.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Small jars for tests: a bundle with a symbolic name and version, or a jar that is no bundle. */
public final class TestJarFiles {

    private TestJarFiles() {
    }

    /** A bundle jar; {@code content} makes two jars of one version differ. */
    public static Path bundle(Path file, String symbolicName, String version, String content) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName + ";singleton:=true");
        manifest.getMainAttributes().putValue("Bundle-Version", version);
        return write(file, manifest, content);
    }

    /** A jar with a manifest but no Bundle-SymbolicName. */
    public static Path library(Path file) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        return write(file, manifest, "a library");
    }

    private static Path write(Path file, Manifest manifest, String content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry("content.txt"));
            jar.write(content.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }
}
