package nl.regie.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarInputStream;

import org.junit.jupiter.api.Test;

class JarsTest {

    @Test
    void renamedJarHasTheNewNameFirstAndEverythingElseUnchanged() throws Exception {
        byte[] original = TestJars.plugin("nl.example", "1.0.0");

        byte[] renamed = Jars.renamed(original, "nl.example.regie-preflight");

        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(renamed))) {
            assertEquals("nl.example.regie-preflight", in.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"),
                    "renamed, the singleton directive dropped");
            assertEquals("1.0.0", in.getManifest().getMainAttributes().getValue("Bundle-Version"));
            List<String> entries = new ArrayList<>();
            for (var entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                entries.add(entry.getName());
            }
            assertEquals(List.of("nl/example/Plugin.class"), entries);
        }
    }
}
