package nl.regie.runtime.config;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import nl.regie.runtime.spi.config.ConfigFiles;
import nl.regie.runtime.testing.RecordingLogger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.MetaTypeService;

class ConfigFolderComponentTest {

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> switch (method.getName()) {
            case "getProperty" -> answers.get((String) args[0]);
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> answers.get(method.getName());
        });
    }

    private ConfigFolderComponent component(Map<String, Object> properties) {
        Map<String, Object> context = new java.util.HashMap<>(properties);
        context.put("getBundles", new Bundle[0]);
        return new ConfigFolderComponent(stub(BundleContext.class, context), stub(ConfigurationAdmin.class, Map.of()),
                stub(MetaTypeService.class, Map.of()),
                stub(ServiceComponentRuntime.class, Map.of("getComponentDescriptionDTOs", List.of())), log.logger());
    }

    private static List<String> folderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.equals("regie-config-folder")).toList();
    }

    @Test
    void withoutTheFrameworkPropertyItDoesNothingAndSaysSoAtDebug() {
        ConfigFolderComponent component = component(Map.of());
        assertEquals(Optional.empty(), component.folder());
        assertEquals(List.of(), component.files());
        assertEquals(List.of("No configuration folder: the framework property regie.config.dir is not set, so no <pid>.cfg"
                + " files are read"), log.messages("debug"));
        assertEquals(List.of(), folderThreads());
        component.deactivate();
    }

    @Test
    void itReadsTheFolderOnANamedDaemonThreadThatStopsOnDeactivation() throws Exception {
        Files.writeString(dir.resolve("com.example.later.cfg"), "a = 1\n");
        ConfigFolderComponent component = component(Map.of(ConfigFolderComponent.DIR, dir.toString(),
                ConfigFolderComponent.POLL_MILLIS, "20"));
        assertEquals(Optional.of(dir.toAbsolutePath().normalize()), component.folder());
        assertEquals(20, component.pollMillis());
        await().atMost(Duration.ofSeconds(5)).until(() -> component.files().size() == 1);
        assertEquals(ConfigFiles.State.PENDING, component.files().get(0).state());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("regie-config-folder") && t.isDaemon()));

        component.deactivate();
        await().atMost(Duration.ofSeconds(5)).until(() -> folderThreads().isEmpty());
    }

    @Test
    void aBadPollIntervalIsReportedAndTheDefaultUsed() {
        assertEquals(1000, ConfigFolderComponent.pollMillis(null, log.logger()));
        assertEquals(100, ConfigFolderComponent.pollMillis(" 100 ", log.logger()));
        assertEquals(1000, ConfigFolderComponent.pollMillis("5", log.logger()));
        assertEquals(1000, ConfigFolderComponent.pollMillis("often", log.logger()));
        assertEquals(List.of("regie.config.poll.millis = 5 is not a whole number of milliseconds of at least 10; reading the"
                + " configuration folder every 1000 ms", "regie.config.poll.millis = often is not a whole number of"
                + " milliseconds of at least 10; reading the configuration folder every 1000 ms"), log.messages("warn"));
    }
}
