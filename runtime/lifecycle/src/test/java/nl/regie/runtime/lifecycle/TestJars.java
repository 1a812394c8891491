package nl.regie.runtime.lifecycle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Small jars for the lifecycle's unit tests. */
final class TestJars {

    private TestJars() {
    }

    /** A plugin jar: the given name and version, importing the bus api, with one class file entry. */
    static byte[] plugin(String symbolicName, String version) {
        return jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", symbolicName + ";singleton:=true",
                "Bundle-Version", version, "Import-Package", "nl.regie.api.bus;version=\"[1.0,2)\",org.osgi.framework"));
    }

    /** A jar with these main manifest attributes and one entry. */
    static byte[] jar(Map<String, String> attributes) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.forEach(manifest.getMainAttributes()::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.putNextEntry(new ZipEntry("nl/example/Plugin.class"));
            out.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
