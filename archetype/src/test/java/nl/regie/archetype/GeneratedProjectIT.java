package nl.regie.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the archetype makes: the project archetype:integration-test generated from {@code projects/heat} and built with
 * {@code mvn verify} before this test runs, and copies of it that a vendor got wrong, to show that bnd's resolver
 * refuses them at build time with a message that names what is missing.
 */
class GeneratedProjectIT {

    private static Path generated;

    @BeforeAll
    static void findTheGeneratedProject() {
        generated = Path.of(System.getProperty("regie.generated.project", "missing"));
        assertTrue(Files.isDirectory(generated.resolve("target")), generated + " has not been built: archetype:integration-test"
                + " generates and builds it before this test (mvn verify in the archetype module)");
    }

    @Test
    void theProjectBuildsIntoABundleThatDeclaresItsScopeAndResolvesInRegie() throws IOException {
        try (JarFile jar = new JarFile(generated.resolve("target/heat-1.0.0.jar").toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("com.example.heat", manifest.getValue("Bundle-SymbolicName"));
            assertEquals("1.0.0", manifest.getValue("Bundle-Version"));
            assertEquals("OSGI-INF/com.example.heat.HeatWatch.xml", manifest.getValue("Service-Component"));
            assertTrue(manifest.getValue("Provide-Capability").contains(
                    "regie.scope;reads:List<String>=\"WeatherObserved/+/temperature\""), manifest.getValue("Provide-Capability"));
            for (String imported : manifest.getValue("Import-Package").replaceAll("\"[^\"]*\"", "").split(",")) {
                assertTrue(imported.matches("(java\\.|nl\\.regie\\.api\\.).*"),
                        "the api and Java only: " + imported);
            }
            assertTrue(jar.getEntry("OSGI-INF/metatype/com.example.heat.xml") != null, "typed configuration, PID the bundle's name");
        }
        String resolved = Files.readString(generated.resolve("target/plugin.bndrun"));
        assertTrue(resolved.contains("com.example.heat;version='[1.0.0,1.0.1)'"), resolved);
        // Compiled against the api release, checked against this Regie's own api.
        String api = System.getProperty("regie.api.version").replace("-SNAPSHOT", "");
        assertTrue(resolved.contains("nl.regie.api;version='[" + api + ","), "the runtime's api " + api + ": " + resolved);
        assertTrue(resolved.contains("org.apache.felix.scr;"), resolved);
        String tests = Files.readString(generated.resolve("target/surefire-reports/TEST-com.example.heat.HeatWatchTest.xml"));
        Matcher counts = Pattern.compile("tests=\"(\\d+)\" errors=\"(\\d+)\" skipped=\"(\\d+)\" failures=\"(\\d+)\"").matcher(tests);
        assertTrue(counts.find(), tests);
        assertTrue(Integer.parseInt(counts.group(1)) > 0, "the unit tests on the test kit ran");
        assertEquals("0 0 0", counts.group(2) + " " + counts.group(3) + " " + counts.group(4), "errors, skipped, failures");
    }

    @Test
    void theRuleIsUnderAHundredLinesOfJava() throws IOException {
        try (Stream<Path> sources = Files.walk(generated.resolve("src/main/java"))) {
            long lines = 0;
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                lines += Files.readAllLines(source).size();
            }
            assertTrue(lines > 0 && lines < 100, lines + " lines");
        }
    }

    @Test
    void aPluginThatImportsAPackageOfTheRuntimeFailsTheCheck() throws Exception {
        Path project = copy("runtime-package");
        // A vendor who reached for the runtime's own bus: the SPI compiles, but Regie hides it from plugins.
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("    <dependencies>\n", "    <dependencies>\n"
                + "        <dependency><groupId>nl.regie</groupId><artifactId>runtime.spi</artifactId><version>"
                + System.getProperty("regie.runtime.spi.version") + "</version><scope>provided</scope></dependency>\n"));
        write(project, "BusTap.java", """
                package com.example.heat;

                import nl.regie.runtime.spi.bus.RuntimeBus;

                import org.osgi.service.component.annotations.Activate;
                import org.osgi.service.component.annotations.Component;
                import org.osgi.service.component.annotations.Reference;

                @Component
                public class BusTap {
                    @Activate
                    public BusTap(@Reference RuntimeBus bus) {
                    }
                }
                """);

        Maven.Run build = Maven.run(project, "-DskipTests", "verify");

        // spi.bus is at 2.0.0 since the api's monitor package moved into the SPI (RuntimeBus extends its BusMonitor).
        assertRefusedByTheResolver(build, "missing requirement osgi.wiring.package;filter:='(&(osgi.wiring.package="
                + "nl.regie.runtime.spi.bus)(version>=2.0.0)(!(version>=3.0.0)))'");
    }

    @Test
    void aPluginThatNeedsAServiceNoBundleProvidesFailsTheCheck() throws Exception {
        Path project = copy("missing-service");
        // A component that needs a service of another bundle of the vendor's, which is not deployed.
        write(project, "HeatPlan.java", """
                package com.example.heat;

                public interface HeatPlan {
                }
                """);
        write(project, "CoolRooms.java", """
                package com.example.heat;

                import org.osgi.service.component.annotations.Activate;
                import org.osgi.service.component.annotations.Component;
                import org.osgi.service.component.annotations.Reference;

                @Component
                public class CoolRooms {
                    @Activate
                    public CoolRooms(@Reference HeatPlan plan) {
                    }
                }
                """);

        Maven.Run build = Maven.run(project, "-DskipTests", "verify");

        assertRefusedByTheResolver(build, "missing requirement osgi.service;effective:=active;filter:="
                + "'(objectClass=com.example.heat.HeatPlan)'");
    }

    /** The build failed in the resolve check, with bnd's message naming the requirement. */
    private static void assertRefusedByTheResolver(Maven.Run build, String requirement) {
        assertEquals(1, build.exitCode(), build.log());
        assertTrue(build.log().contains("[ERROR] Failed to execute goal biz.aQute.bnd:bnd-resolver-maven-plugin:"),
                build.log());
        assertTrue(build.log().contains("Unable to resolve com.example.heat version=1.0.0: " + requirement), build.log());
        assertTrue(build.log().contains("Building jar: "), "it compiled and was packed: only the check refused it");
    }

    /** A copy of the generated project, without what its build made. */
    private static Path copy(String name) throws IOException {
        Path target = Path.of(System.getProperty("regie.resolve.check")).resolve(name);
        deleteRecursively(target);
        List<String> skipped = List.of("target", "build.log");
        try (Stream<Path> files = Files.walk(generated)) {
            for (Path file : files.toList()) {
                Path relative = generated.relativize(file);
                if (relative.getNameCount() > 0 && skipped.contains(relative.getName(0).toString())) {
                    continue;
                }
                Path to = target.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static void write(Path project, String name, String source) throws IOException {
        Files.writeString(project.resolve("src/main/java/com/example/heat").resolve(name), source);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(file);
            }
        }
    }
}
