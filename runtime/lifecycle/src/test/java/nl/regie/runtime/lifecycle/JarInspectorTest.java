package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.LifecycleException.Reason;
import nl.regie.runtime.spi.lifecycle.PluginBundles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class JarInspectorTest {

    private static final String WHAT = "Cannot update nl.example";

    @TempDir
    Path folder;

    @Test
    void readsAPluginJar() throws Exception {
        byte[] bytes = TestJars.plugin("nl.example", "1.2.3.beta");
        Path file = Files.write(folder.resolve("example.jar"), bytes);

        PluginJar jar = JarInspector.read(file, WHAT);

        assertEquals("nl.example", jar.symbolicName(), "the name without its directives");
        assertEquals(new Version(1, 2, 3, "beta"), jar.version());
        assertArrayEquals(bytes, jar.bytes());
        assertEquals(Jars.sha256(bytes), jar.sha256());
        assertEquals(64, jar.sha256().length());
    }

    @Test
    void refusesWhatIsNoPluginBundleSayingWhy() throws Exception {
        assertRefused(Files.writeString(folder.resolve("notes.jar"), "just text", StandardCharsets.UTF_8),
                "notes.jar is not a jar (zip) file");
        assertRefused(folder.resolve("missing.jar"), "missing.jar does not exist");
        assertRefused(jar(Map.of("Bundle-SymbolicName", "nl.example", "Bundle-Version", "1")),
                "is not an OSGi bundle: its manifest has no Bundle-ManifestVersion");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "1", "Bundle-SymbolicName", "nl.example")),
                "its Bundle-ManifestVersion is 1; a plugin needs 2");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-Version", "1.0.0")),
                "its manifest has no Bundle-SymbolicName");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "nl/example")),
                "'nl/example' is not a valid symbolic name");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "nl.example")),
                "(nl.example) has no Bundle-Version");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "nl.example",
                "Bundle-Version", "one")), "Bundle-Version 'one', which is not an OSGi version");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "nl.example",
                "Bundle-Version", "1.0.0", "Fragment-Host", "nl.host;bundle-version=1")), "is a fragment of nl.host");
        assertRefused(jar(Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "nl.example",
                "Bundle-Version", "1.0.0", "Import-Package", "nl.regie.apix,org.osgi.framework")),
                "is a bundle but not a Regie plugin: it imports no nl.regie.api package");
    }

    @Test
    void recognisesApiImportsInQuotedHeaders() {
        assertTrue(PluginBundles.importsApi("org.a;version=\"[1,2)\",nl.regie.api.bus;version=\"[1.0,2)\""));
        assertTrue(PluginBundles.importsApi("nl.regie.api.model;nl.regie.api.bus;version=\"[1.0,2)\""));
        assertEquals(false, PluginBundles.importsApi("org.a;x=\"nl.regie.api.bus\""));
        assertEquals(false, PluginBundles.importsApi(null));
    }

    private Path jar(Map<String, String> attributes) throws IOException {
        return Files.write(Files.createTempFile(folder, "plugin", ".jar"), TestJars.jar(attributes));
    }

    private static void assertRefused(Path file, String why) {
        LifecycleException refused = assertThrows(LifecycleException.class, () -> JarInspector.read(file, WHAT));
        assertEquals(Reason.NOT_A_BUNDLE, refused.reason());
        assertTrue(refused.getMessage().startsWith(WHAT + ": "), refused.getMessage());
        assertTrue(refused.getMessage().contains(why), refused.getMessage());
    }
}
