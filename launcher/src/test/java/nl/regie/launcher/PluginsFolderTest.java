package nl.regie.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsFolderTest {

    @TempDir
    Path dir;

    @Test
    void tellsBundlesFromOtherJars() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path bundle = TestJars.unresolvableBundle(plugins.resolve("bundle.jar"), "com.example.bundle");
        Path library = TestJars.notABundle(plugins.resolve("library.jar"));
        Path garbage = Files.writeString(plugins.resolve("garbage.jar"), "not a zip");

        assertEquals(Optional.empty(), PluginsFolder.notABundle(bundle));
        assertEquals(Optional.of("not an OSGi bundle (its manifest has no Bundle-SymbolicName)"), PluginsFolder.notABundle(library));
        assertTrue(PluginsFolder.notABundle(garbage).orElseThrow().startsWith("not a readable jar ("));
    }

    @Test
    void matchesPluginsToJarsBySymbolicName() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = TestJars.plugin(plugins.resolve("swap.jar"), "com.example.swap", "1.0.0", true);
        TestJars.notABundle(plugins.resolve("library.jar"));
        PluginsFolder folder = new PluginsFolder(plugins, new ConsoleLog(System.out, System.err, false));
        assertEquals(java.util.Map.of(jar, "com.example.swap"), folder.plugins());
        TestJars.plugin(plugins.resolve("swap.jar"), "com.example.swap2", "1.0.1", true);
        assertEquals(java.util.Map.of(jar, "com.example.swap2"), folder.plugins(), "read again when it changes");
        assertEquals(Optional.of("com.example.unresolvable"),
                PluginsFolder.symbolicName(TestJars.unresolvableBundle(plugins.resolve("u.jar"), "com.example.unresolvable")));
    }

    @Test
    void listsOnlyJars() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("README.txt"), "drop plugin jars here");
        Path jar = TestJars.notABundle(plugins.resolve("a.jar"));
        PluginsFolder folder = new PluginsFolder(plugins, new ConsoleLog(System.out, System.err, false));
        assertEquals(java.util.List.of(jar), folder.jars());
    }
}
