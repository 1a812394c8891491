package nl.regie.runtime.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The rules that keep the runtime a set of bundles by role, checked on their built classes and jars: no cycles between
 * packages; each bundle reaches the others only through the SPI; the SPI reaches nothing of them; and every service a
 * runtime component registers is registered under an interface, so that any part can be replaced.
 */
class ArchitectureTest {

    /** The runtime's bundles other than the SPI: the second segment of their packages. */
    private static final List<String> ROLES = List.of("core", "sovereignty", "devices", "federation", "lifecycle",
            "config", "web", "history", "pub");

    private static final JavaClasses RUNTIME = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("nl.regie.runtime");

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("nl.regie.runtime.(**)").should().beFreeOfCycles().check(RUNTIME);
    }

    @Test
    void eachBundleReachesTheOthersOnlyThroughTheSpi() {
        for (String role : ROLES) {
            for (String other : ROLES) {
                if (!other.equals(role)) {
                    noClasses().that().resideInAPackage("nl.regie.runtime." + role + "..")
                            .should().dependOnClassesThat().resideInAPackage("nl.regie.runtime." + other + "..")
                            .because("runtime bundles are joined only by the services of the SPI")
                            .check(RUNTIME);
                }
            }
        }
    }

    @Test
    void theSpiDependsOnNoRuntimeBundle() {
        for (String role : ROLES) {
            noClasses().that().resideInAPackage("nl.regie.runtime.spi..")
                    .should().dependOnClassesThat().resideInAPackage("nl.regie.runtime." + role + "..")
                    .check(RUNTIME);
        }
    }

    @Test
    void everyServiceIsRegisteredUnderAnInterface() throws Exception {
        Pattern provide = Pattern.compile("<provide interface=\"([^\"]+)\"");
        Map<String, String> concrete = new TreeMap<>();
        int services = 0;
        for (Path jar : runtimeJars()) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry entry : file.stream().filter(e -> e.getName().startsWith("OSGI-INF/")
                        && e.getName().endsWith(".xml") && !e.getName().contains("/metatype/")).toList()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        Matcher m = provide.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        while (m.find()) {
                            services++;
                            Class<?> type = Class.forName(m.group(1), false, getClass().getClassLoader());
                            if (!type.isInterface()) {
                                concrete.put(entry.getName(), m.group(1));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(services > 30, "the runtime's components were found: " + services + " services");
        assertEquals(Map.of(), concrete, "components that register a class rather than an interface");
    }

    /** The jars of the runtime bundles, found from one class of each. */
    private static List<Path> runtimeJars() throws URISyntaxException, ClassNotFoundException {
        List<Path> jars = new ArrayList<>();
        for (String marker : List.of("nl.regie.runtime.core.bus.BusComponent",
                "nl.regie.runtime.sovereignty.policy.PolicyComponent", "nl.regie.runtime.devices.mqtt.MqttBridgeComponent",
                "nl.regie.runtime.lifecycle.LifecycleComponent", "nl.regie.runtime.config.ConfigFolderComponent",
                "nl.regie.runtime.web.http.MetricsServlet", "nl.regie.runtime.federation.FederationComponent",
                "nl.regie.runtime.pub.SensorsServlet")) {
            Class<?> type = Class.forName(marker, false, ArchitectureTest.class.getClassLoader());
            jars.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        for (Path jar : jars) {
            assertTrue(jar.toString().endsWith(".jar"), "built into a jar (run the tests with mvn install): " + jar);
        }
        return jars;
    }
}
