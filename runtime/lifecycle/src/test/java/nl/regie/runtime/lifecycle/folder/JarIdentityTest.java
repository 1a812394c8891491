package nl.regie.runtime.lifecycle.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import nl.regie.runtime.testing.TestJarFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarIdentityTest {

    @TempDir
    Path dir;

    @Test
    void readsTheSymbolicNameWithoutDirectivesAndTheVersion() throws Exception {
        Path jar = TestJarFiles.bundle(dir.resolve("a.jar"), "com.example.a", "1.2.3", "x");
        assertEquals(Optional.of(new JarIdentity("com.example.a", "1.2.3")), JarIdentity.read(jar).identity());
    }

    @Test
    void saysWhyAJarIsNotABundle() throws Exception {
        assertEquals("not an OSGi bundle (its manifest has no Bundle-SymbolicName)",
                JarIdentity.read(TestJarFiles.library(dir.resolve("lib.jar"))).why());
        assertEquals("not a readable jar (zip END header not found)",
                JarIdentity.read(Files.writeString(dir.resolve("x.jar"), "text")).why());
    }

    @Test
    void sha256IsLowerCaseHex() throws Exception {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                JarIdentity.sha256(Files.writeString(dir.resolve("abc"), "abc")));
    }
}
