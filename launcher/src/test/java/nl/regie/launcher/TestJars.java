package nl.regie.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import nl.regie.launcher.testplugin.FailingComponent;
import nl.regie.launcher.testplugin.HealthyComponent;
import nl.regie.runtime.testing.TestSigner;

/**
 * Jars that the build does not make: test plugins at any version, broken bundles and a jar that is no bundle at all,
 * each signed with the city's demo key (config/keys), as the runtime lets in signed plugins only; and the policy that
 * trusts the demo keys.
 */
final class TestJars {

    /** The key the test jars are signed with. */
    static final TestSigner SIGNER = TestSigner.demo("city");

    private TestJars() {
    }

    /**
     * Writes into a config folder the policy of a single-party test city: the three demo keys the shipped plugins and
     * the test jars are signed with, each acting for the city, and nothing else (devices act for the city too).
     *
     * @return the config folder
     */
    static Path trustDemoKeys(Path configDir) throws IOException {
        Files.createDirectories(configDir);
        String keys = Stream.of("city", "contractor", "waterboard")
                .map(party -> "city " + TestSigner.demo(party).fingerprint()).collect(Collectors.joining(", "));
        Files.writeString(configDir.resolve("nl.regie.runtime.policy.cfg"), "keys = " + keys + "\n");
        return configDir;
    }

    /** A plain library jar: a manifest, but no Bundle-SymbolicName. */
    static Path notABundle(Path file) throws IOException {
        return write(file, Map.of("Created-By", "a build tool that knows nothing of OSGi"), Map.of(), false);
    }

    /**
     * A plugin (it imports the api's health package) with one immediate DS component: {@link HealthyComponent}, which
     * registers a health check that passes, or, when {@code healthy} is false, {@link FailingComponent}, which throws
     * in activate.
     */
    static Path plugin(Path file, String symbolicName, String version, boolean healthy) throws IOException {
        return plugin(file, symbolicName, version, healthy, true);
    }

    /** A plugin like {@link #plugin(Path, String, String, boolean)}, without a signature: only for development. */
    static Path unsignedPlugin(Path file, String symbolicName, String version) throws IOException {
        return plugin(file, symbolicName, version, true, false);
    }

    private static Path plugin(Path file, String symbolicName, String version, boolean healthy, boolean signed)
            throws IOException {
        Class<?> type = healthy ? HealthyComponent.class : FailingComponent.class;
        String classFile = type.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = type.getClassLoader().getResourceAsStream(classFile)) {
            bytes = in.readAllBytes();
        }
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" immediate="true" activate="activate">
                  <implementation class="%s"/>
                  %s
                </scr:component>
                """.formatted(type.getName(), type.getName(),
                healthy ? "<service><provide interface=\"nl.regie.api.health.HealthCheck\"/></service>" : "");
        return write(file, Map.of(
                        "Bundle-ManifestVersion", "2",
                        "Bundle-SymbolicName", symbolicName,
                        "Bundle-Version", version,
                        "Import-Package", "nl.regie.api.health;version=\"[1.0,2)\"",
                        "Service-Component", "OSGI-INF/component.xml"),
                Map.of(classFile, bytes, "OSGI-INF/component.xml", component.getBytes(StandardCharsets.UTF_8)), signed);
    }

    /** A plugin that also imports a package nobody exports, so it never resolves. */
    static Path unresolvableBundle(Path file, String symbolicName) throws IOException {
        return write(file, Map.of(
                "Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", symbolicName,
                "Bundle-Version", "2.0.0",
                "Import-Package", "nl.regie.api.health;version=\"[1.0,2)\",com.example.nowhere;version=\"[1,2)\""),
                Map.of("OSGI-INF/about.txt", "a plugin that never resolves".getBytes(StandardCharsets.UTF_8)), true);
    }

    private static Path write(Path file, Map<String, String> headers, Map<String, byte[]> entries, boolean signed)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((name, value) -> manifest.getMainAttributes().putValue(name, value));
        // Written next to the folder and moved in, so the launcher never sees half a jar.
        Path partial = Files.createTempFile(file.getParent().getParent(), file.getFileName().toString(), ".partial");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
        if (signed) {
            SIGNER.signFile(partial);
        }
        return Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
