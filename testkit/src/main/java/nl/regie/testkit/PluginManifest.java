package nl.regie.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import nl.regie.api.scope.PluginScope;
import nl.regie.runtime.core.scope.DeclaredScope;

/**
 * The manifest bnd wrote for the plugin under test ({@code target/classes/META-INF/MANIFEST.MF} when the test runs
 * in Maven), found on the class path by its {@code Bundle-SymbolicName}, and the scope it declares: the
 * {@value PluginScope#NAMESPACE} capabilities that {@code @PluginScope} became, read exactly as the runtime reads them.
 */
final class PluginManifest {

    private final String symbolicName;
    private final String version;
    private final DeclaredScope scope;

    private PluginManifest(String symbolicName, String version, DeclaredScope scope) {
        this.symbolicName = symbolicName;
        this.version = version;
        this.scope = scope;
    }

    /**
     * The manifest with this symbolic name on the class path.
     *
     * @throws IllegalStateException naming what was found when there is none (bnd did not run, or another name)
     */
    static PluginManifest find(String symbolicName, ClassLoader loader) {
        List<String> seen = new ArrayList<>();
        try {
            Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL url = manifests.nextElement();
                Manifest manifest;
                try (InputStream in = url.openStream()) {
                    manifest = new Manifest(in);
                }
                Attributes main = manifest.getMainAttributes();
                String name = main.getValue("Bundle-SymbolicName");
                if (name == null) {
                    continue;
                }
                String bare = name.split(";")[0].trim();
                if (!bare.equals(symbolicName)) {
                    seen.add(bare);
                    continue;
                }
                String version = main.getValue("Bundle-Version");
                List<Map<String, Object>> capabilities = CapabilityHeader.attributes(
                        main.getValue("Provide-Capability"), PluginScope.NAMESPACE);
                return new PluginManifest(bare, version == null ? "0.0.0" : version,
                        DeclaredScope.fromCapabilities(capabilities));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifests on the class path", e);
        }
        throw new IllegalStateException("no manifest with Bundle-SymbolicName " + symbolicName + " on the class path"
                + " (bundles seen: " + seen + "): run the test through Maven after bnd-process (mvn test), so that"
                + " target/classes/META-INF/MANIFEST.MF holds the plugin's declared scope, or give the scope to"
                + " RegieTestKit.withScope");
    }

    String symbolicName() {
        return symbolicName;
    }

    String version() {
        return version;
    }

    DeclaredScope scope() {
        return scope;
    }
}
