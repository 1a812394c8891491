package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

import javax.inject.Inject;

import nl.regie.itests.plugin.probe.ProbeListener;
import nl.regie.itests.plugin.sequence.SequenceListener;
import nl.regie.runtime.spi.lifecycle.LifecycleException;
import nl.regie.runtime.spi.lifecycle.Outcome;
import nl.regie.runtime.spi.lifecycle.PluginLifecycle;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * What the plugin lifecycle tests share: the lifecycle service, jars as files (the lifecycle takes paths), plugins
 * installed through the lifecycle and removed after each test, a sink for the sequence plugin, and the log.
 *
 * <p>The lifecycle's service is part of the runtime SPI, which only runtime bundles may wire to; the framework trusts
 * the probe as one (see {@link RegieFramework#PROBE_LOCATION}).
 */
public abstract class LifecycleTestSupport extends RegieTestSupport {

    /** Who the tests say they are, in the lifecycle's history and log. */
    static final String ORIGIN = "itests";

    @Inject
    protected PluginLifecycle lifecycle;

    @Inject
    private LogReaderService logReader;

    private final List<String> installedByLifecycle = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final LogListener logListener = this::logged;

    /** The framework, with the log at INFO (the lifecycle's operation lines) and the given extra options. */
    static Option[] options(Option... extra) {
        return OptionUtils.combine(RegieFramework.options(),
                OptionUtils.combine(new Option[] {frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO")},
                        extra));
    }

    @Before
    public void listenToTheLog() {
        logReader.addLogListener(logListener);
    }

    @After
    public void removeLifecyclePlugins() throws Exception {
        logReader.removeLogListener(logListener);
        // What the lifecycle said, into the test's output file (target/surefire-reports/*-output.txt).
        log.stream().filter(line -> line.contains("Plugin ") || line.contains("Refused")).forEach(System.out::println);
        // The lifecycle service now, not the injected one: a test may have restarted the runtime.
        ServiceReference<PluginLifecycle> reference = context.getServiceReference(PluginLifecycle.class);
        PluginLifecycle current = context.getService(reference);
        try {
            for (String symbolicName : installedByLifecycle) {
                if (current.status(symbolicName).isPresent()) {
                    current.remove(symbolicName, ORIGIN);
                }
            }
        } finally {
            context.ungetService(reference);
        }
        installedByLifecycle.clear();
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    private void logged(LogEntry entry) {
        log.add(entry.getLogLevel() + " " + entry.getMessage());
    }

    /** Waits until the log has a line containing all the texts, and returns it. */
    protected String awaitLogged(String... texts) {
        await("a log line with " + Arrays.toString(texts), () -> logged(texts).isPresent(),
                () -> String.join("\n", log));
        return logged(texts).orElseThrow();
    }

    /** The first log line containing all the texts. */
    protected Optional<String> logged(String... texts) {
        return log.stream().filter(line -> Arrays.stream(texts).allMatch(line::contains)).findFirst();
    }

    /** A jar file with this content, for the lifecycle (which takes paths). */
    protected static Path jar(String name, InputStream content) {
        try (content) {
            Path folder = Files.createDirectories(RegieFramework.workDirectory().toPath().resolve("jars"));
            Path file = Files.createTempFile(folder, name + "-", ".jar");
            Files.copy(content, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar of a test plugin built from one package of the test plugins. */
    protected static Path pluginJar(String symbolicName, String version, String pluginPackage) {
        return jar(symbolicName + "-" + version, TestBundles.plugin(symbolicName, version, pluginPackage));
    }

    /** Installs a test plugin through the lifecycle (removed after the test) and returns its bundle. */
    protected Bundle installThroughLifecycle(String symbolicName, String version, String pluginPackage)
            throws LifecycleException {
        installedByLifecycle.add(symbolicName);
        Outcome outcome = lifecycle.install(pluginJar(symbolicName, version, pluginPackage), ORIGIN);
        if (outcome.result() != Outcome.Result.INSTALLED) {
            throw new AssertionError("not installed healthy: " + outcome);
        }
        return bundleNamed(symbolicName);
    }

    /** Remembers a plugin the test installs some other way, to remove it afterwards. */
    protected void removeAfterTest(String symbolicName) {
        installedByLifecycle.add(symbolicName);
    }

    /** Registers the sink the sequence plugin passes its sequence numbers to. */
    protected SequenceSink registerSequenceSink() {
        SequenceSink sink = new SequenceSink();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ProbeListener.ROLE_PROPERTY, SequenceListener.SINK_ROLE);
        registrations.add(context.registerService(LongConsumer.class, sink, properties));
        return sink;
    }

    /** The bundle revision now running, to show an operation left it alone. */
    protected static Object revisionOf(Bundle bundle) {
        return bundle.adapt(org.osgi.framework.wiring.BundleRevision.class);
    }

    /** The live threads with this exact name. */
    protected static List<Thread> threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name))
                .collect(Collectors.toList());
    }
}
