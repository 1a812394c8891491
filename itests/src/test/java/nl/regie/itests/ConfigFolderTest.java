package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javax.inject.Inject;

import nl.regie.itests.plugin.configured.ConfiguredComponent;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The configuration folder in a real framework: a plugin built by bnd (DS and metatype from its annotations), the
 * real MetaType Service and ConfigAdmin, and the runtime's folder reading {@code <pid>.cfg} files every 100 ms.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigFolderTest extends RegieTestSupport {

    private static final String PID = ConfiguredComponent.PID;
    private static final String PLUGIN = "nl.regie.itests.configured";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private MetaTypeService metaType;

    @Inject
    private LogReaderService logReader;

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final LogListener errorListener = entry -> {
        if (entry.getLogLevel() == LogLevel.ERROR && "nl.regie.runtime.config".equals(entry.getBundle().getSymbolicName())) {
            errors.add(entry.getMessage());
        }
    };

    @Configuration
    public Option[] configuration() throws IOException {
        Path folder = Files.createDirectories(RegieFramework.workDirectory().toPath())
                .resolve("config-" + System.nanoTime());
        // Not created: the folder may appear after the runtime started.
        List<Option> options = new ArrayList<>(List.of(RegieFramework.options()));
        options.add(frameworkProperty("regie.config.dir").value(folder.toString()));
        options.add(frameworkProperty("regie.config.poll.millis").value("100"));
        return options.toArray(new Option[0]);
    }

    @Before
    public void listenToErrors() {
        logReader.addLogListener(errorListener);
    }

    /** Removes the test's file and waits until the folder has let go of it (and deleted its configuration). */
    @After
    public void removeFiles() throws Exception {
        logReader.removeLogListener(errorListener);
        Path file = file();
        if (Files.deleteIfExists(file)) {
            await("the folder forgot " + file.getFileName(), () -> !apiConfig().contains("\"pid\":\"" + PID + "\""),
                    this::apiConfig);
        }
        await("no configuration " + PID, () -> stored() == null, this::stored);
    }

    @Test
    public void felixMetaTypeDescribesAndEnforcesTheRangeThatBndGenerated() throws Exception {
        Bundle plugin = installPlugin(PLUGIN, "1.0.0", TestBundles.CONFIGURED_PACKAGE);
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(plugin).getObjectClassDefinition(PID, null);
        Map<String, AttributeDefinition> ads = new LinkedHashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ads.put(ad.getID(), ad);
        }
        assertEquals(List.of("full.threshold", "batch.size", "depots"), List.copyOf(ads.keySet()));
        AttributeDefinition threshold = ads.get("full.threshold");
        assertEquals(AttributeDefinition.DOUBLE, threshold.getType());
        assertEquals(0, threshold.getCardinality());
        // Felix MetaType 1.2.4 really checks min/max (and the type), with its own terse verdicts.
        assertEquals("", threshold.validate("0.5"));
        assertEquals("greater than maximum", threshold.validate("1.5"));
        assertEquals("less than minimum", threshold.validate("-0.1"));
        assertEquals("invalid value", threshold.validate("abc"));
        assertEquals("less than minimum", ads.get("batch.size").validate("0"));
        assertEquals("invalid value", ads.get("batch.size").validate("2.5"));
        assertEquals(Integer.MAX_VALUE, ads.get("depots").getCardinality());
    }

    @Test
    public void aDroppedFileReachesTheComponentAndAnEditAppliesWithoutARestart() throws Exception {
        installPlugin(PLUGIN, "1.0.0", TestBundles.CONFIGURED_PACKAGE);
        Map<String, Object> defaults = awaitComponent("the component on its defaults", s -> true);
        assertEquals(0.8, defaults.get("full.threshold"));
        assertEquals(10, defaults.get("batch.size"));

        drop("full.threshold = 0.6\nbatch.size = 25\ndepots = Noord , Zuid\n");
        Map<String, Object> configured = awaitComponent("full.threshold 0.6", s -> s.get("full.threshold").equals(0.6));
        assertEquals(25, configured.get("batch.size"));
        assertEquals(List.of("Noord", "Zuid"), configured.get("depots"));

        Dictionary<String, Object> properties = stored();
        assertEquals("typed as the metatype says", 0.6, properties.get("full.threshold"));
        assertEquals(25, properties.get("batch.size"));
        assertArrayEquals(new String[] {"Noord", "Zuid"}, (String[]) properties.get("depots"));
        assertEquals(file().toAbsolutePath().normalize().toString(), properties.get("regie.config.file"));
        String api = apiConfig();
        assertTrue(api, api.contains("\"pid\":\"" + PID + "\"") && api.contains("\"state\":\"applied\""));

        drop("full.threshold = 0.7\nbatch.size = 25\ndepots = Noord , Zuid\n");
        Map<String, Object> edited = awaitComponent("full.threshold 0.7", s -> s.get("full.threshold").equals(0.7));
        assertEquals("the same instance: no restart", configured.get("instance"), edited.get("instance"));
        assertTrue("@Modified was called: " + edited, (Integer) edited.get("modified") > (Integer) configured.get("modified"));
    }

    @Test
    public void badValuesAreRefusedAndTheRunningConfigurationStays() throws Exception {
        installPlugin(PLUGIN, "1.0.0", TestBundles.CONFIGURED_PACKAGE);
        drop("full.threshold = 0.6\n");
        Map<String, Object> running = awaitComponent("full.threshold 0.6", s -> s.get("full.threshold").equals(0.6));

        assertRefused("full.threshold = 1.5\n", "full.threshold = 1.5 is above the maximum 1");
        assertRefused("full.threshold = high\n",
                "full.threshold = high is not a number (expected a decimal number from 0 to 1)");
        assertRefused("full.threshold = 0.5\nbatch.size = 0\n", "batch.size = 0 is below the minimum 1");
        assertRefused("full.treshold = 0.5\n",
                "unknown key full.treshold (known keys: full.threshold, batch.size, depots)");

        assertEquals("ConfigAdmin unchanged", 0.6, stored().get("full.threshold"));
        assertEquals(null, stored().get("batch.size"));
        Map<String, Object> after = component();
        assertEquals(0.6, after.get("full.threshold"));
        assertEquals(running.get("instance"), after.get("instance"));
        assertEquals(running.get("modified"), after.get("modified"));
        // Log lines name the file relative to the working directory when it is below it.
        Path workingDir = Path.of("").toAbsolutePath();
        Path absolute = file().toAbsolutePath().normalize();
        String shown = absolute.startsWith(workingDir) ? workingDir.relativize(absolute).toString() : absolute.toString();
        await("the refusal logged as an error", () -> errors.contains("Configuration file " + shown + " refused: full.threshold"
                + " = 1.5 is above the maximum 1; the running configuration is unchanged"), () -> errors);
    }

    @Test
    public void deletingTheFileRevertsTheComponentToItsDefaults() throws Exception {
        installPlugin(PLUGIN, "1.0.0", TestBundles.CONFIGURED_PACKAGE);
        drop("full.threshold = 0.6\n");
        awaitComponent("full.threshold 0.6", s -> s.get("full.threshold").equals(0.6));

        Files.delete(file());
        awaitComponent("back on the default 0.8", s -> s.get("full.threshold").equals(0.8));
        await("the configuration deleted", () -> stored() == null, this::stored);
    }

    @Test
    public void aFileForAPluginInstalledLaterIsAppliedWhenItArrives() throws Exception {
        drop("full.threshold = 0.55\n");
        await("the file pending", () -> apiConfig().contains("\"state\":\"pending\"")
                && apiConfig().contains("waiting for a plugin that declares PID " + PID), this::apiConfig);
        assertNull("ConfigAdmin untouched while pending", stored());

        installPlugin(PLUGIN, "1.0.0", TestBundles.CONFIGURED_PACKAGE);
        awaitComponent("full.threshold 0.55", s -> s.get("full.threshold").equals(0.55));
        await("the file applied", () -> apiConfig().contains("\"state\":\"applied\""), this::apiConfig);
    }

    private void assertRefused(String content, String problem) throws IOException {
        drop(content);
        await("refused: " + problem, () -> {
            String api = apiConfig();
            return api.contains("\"state\":\"refused\"") && api.contains("\"message\":\"" + problem + "\"");
        }, this::apiConfig);
        assertEquals("ConfigAdmin unchanged", 0.6, stored().get("full.threshold"));
    }

    private Path file() {
        return Path.of(context.getProperty("regie.config.dir")).resolve(PID + ".cfg");
    }

    /** Writes the file whole: into a temporary name the folder ignores, then renamed. */
    private void drop(String content) throws IOException {
        Path file = file();
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, content, StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The PID's configuration in ConfigAdmin, or null. */
    private Dictionary<String, Object> stored() {
        try {
            org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + PID + ")");
            return found == null ? null : found[0].getProperties();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the plugin's component runs with, or an empty map while it is not there. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> component() {
        try {
            Collection<ServiceReference<Supplier>> references = context.getServiceReferences(Supplier.class,
                    "(regie.itests.role=configured)");
            for (ServiceReference<Supplier> reference : references) {
                Supplier<Map<String, Object>> state = context.getService(reference);
                try {
                    return state == null ? Map.of() : state.get();
                } finally {
                    context.ungetService(reference);
                }
            }
            return Map.of();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> awaitComponent(String what, Predicate<Map<String, Object>> condition) {
        await(what, () -> {
            Map<String, Object> state = component();
            return !state.isEmpty() && condition.test(state);
        }, this::component);
        return component();
    }

    /** {@code GET /api/config}'s body, or why there is none. */
    private String apiConfig() {
        ServiceReference<?> runtime = context.getServiceReference("org.osgi.service.http.runtime.HttpServiceRuntime");
        if (runtime == null) {
            return "no HTTP runtime";
        }
        Object endpoints = runtime.getProperty("osgi.http.endpoint");
        String endpoint = endpoints instanceof String[] array ? array[0]
                : endpoints instanceof Collection<?> collection ? String.valueOf(collection.iterator().next())
                : String.valueOf(endpoints);
        URI uri = URI.create(endpoint).resolve("/api/config");
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + operatorToken())
                            .timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : response.statusCode() + " " + response.body();
        } catch (IOException e) {
            return "GET " + uri + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
