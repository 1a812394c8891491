package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import nl.regie.api.bus.ReadingBus;
import nl.regie.api.model.EntityId;
import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;
import nl.regie.itests.plugin.probe.ProbeListener;
import nl.regie.runtime.spi.monitor.BusMonitor;
import nl.regie.runtime.spi.monitor.SubscriberInfo;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What the in-framework tests share: the services they drive, installing test plugins (and removing them
 * after each test), publishing readings and reading the bus monitor.
 */
public abstract class RegieTestSupport {

    /**
     * Source of every reading the tests publish, and so the symbolic name of the test probe bundle: the runtime
     * accepts a plugin's reading only under the plugin's own name.
     */
    static final String SOURCE = "regie-itests";

    /** The operator's data-sharing policy. */
    static final String POLICY_PID = "nl.regie.runtime.policy";

    /**
     * The test probe's manifest: named {@value #SOURCE}, and declaring the widest scope (read and publish every topic,
     * actuate every type), as a plugin annotated {@code @PluginScope(reads = "#", publishes = "#", actuates = "*")}.
     * Subclasses that need more override this method (Pax Exam calls one probe builder only).
     */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.BUNDLE_SYMBOLICNAME, SOURCE);
        probe.setHeader(Constants.PROVIDE_CAPABILITY,
                "regie.scope;reads:List<String>=\"#\";publishes:List<String>=\"#\";actuates:List<String>=\"*\"");
        return probe;
    }

    @Inject
    protected BundleContext context;

    /** The probe's own (bundle-scoped) view of the bus. */
    @Inject
    protected ReadingBus bus;

    @Inject
    protected BusMonitor monitor;

    private final List<Bundle> installed = new ArrayList<>();

    /**
     * Trusts the demo keys the test plugins are signed with (city, contractor and waterboard, each for its own party),
     * as the shipped policy does, through ConfigAdmin: a plugin acts for the party of its key, and one signed by a
     * key the policy does not list acts for no party and reads nothing. Only where no config folder owns the policy:
     * a test class with its own {@code regie.config.dir} writes its keys into its policy file.
     */
    @Before
    public void trustDemoKeys() throws Exception {
        if (context.getProperty("regie.config.dir") != null) {
            return;
        }
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        ConfigurationAdmin admin = context.getService(reference);
        try {
            org.osgi.service.cm.Configuration policy = admin.getConfiguration(POLICY_PID, "?");
            Dictionary<String, Object> properties = policy.getProperties();
            if (properties == null) {
                properties = new Hashtable<>();
            }
            if (properties.get("keys") == null) {
                properties.put("keys", TestKeys.demoPolicyKeys());
                policy.update(properties);
            }
        } finally {
            context.ungetService(reference);
        }
        await("the policy trusts the demo keys", () -> {
            ServiceReference<?> policy = context.getServiceReference("nl.regie.runtime.spi.policy.AccessPolicy");
            return policy != null && policy.getProperty("keys") instanceof String[] keys
                    && List.of(keys).containsAll(List.of(TestKeys.demoPolicyKeys()));
        }, () -> "");
    }

    @After
    public void uninstallTestBundles() throws BundleException {
        for (Bundle bundle : installed) {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        }
        installed.clear();
    }

    /** Installs a bundle from a stream; it is uninstalled after the test. */
    protected Bundle install(String location, InputStream content) throws BundleException {
        Bundle bundle = context.installBundle(location, content);
        installed.add(bundle);
        return bundle;
    }

    /** Installs and starts a test plugin built from one package of the test plugins, signed with the city's key. */
    protected Bundle installPlugin(String symbolicName, String version, String pluginPackage) throws BundleException {
        return installPlugin(symbolicName, version, pluginPackage, TestKeys.CITY);
    }

    /** Installs and starts a test plugin signed with a demo key, or unsigned (null). */
    protected Bundle installPlugin(String symbolicName, String version, String pluginPackage, TestKeys key)
            throws BundleException {
        Bundle bundle = install("regie-itests:" + symbolicName,
                TestBundles.signedPlugin(symbolicName, version, pluginPackage, key));
        bundle.start();
        return bundle;
    }

    /** Installs and starts the probe plugin. */
    protected Bundle installProbe(String symbolicName, String version) throws BundleException {
        return installPlugin(symbolicName, version, TestBundles.PROBE_PACKAGE);
    }

    /** A fillingLevel reading of a waste container: the topic the probe plugin subscribes to. */
    protected static Reading fillingLevel(String localId, double level) {
        return Reading.of(EntityId.of("WasteContainer", localId), "fillingLevel", Value.of(level), "/", SOURCE);
    }

    /** A temperature reading of a waste container. */
    protected static Reading temperature(String localId, double celsius) {
        return Reading.of(EntityId.of("WasteContainer", localId), "temperature", Value.of(celsius), "Cel", SOURCE);
    }

    /** The subscriptions the monitor reports for a bundle (any revision of it). */
    protected List<SubscriberInfo> subscriptionsOf(Bundle bundle) {
        return monitor.subscribers().stream()
                .filter(s -> s.bundleId() == bundle.getBundleId())
                .collect(Collectors.toList());
    }

    /** Waits for the one active subscription of a bundle at a version, and returns it. */
    protected SubscriberInfo awaitSubscription(Bundle bundle, String version) {
        await(bundle.getSymbolicName() + " " + version + " subscribed", () -> activeSubscription(bundle, version).isPresent(),
                monitor::subscribers);
        return activeSubscription(bundle, version).orElseThrow();
    }

    /** Waits until the bus has delivered at least {@code count} readings to a bundle's subscription at a version. */
    protected SubscriberInfo awaitDelivered(Bundle bundle, String version, long count) {
        await(count + " readings delivered to " + bundle.getSymbolicName() + " " + version,
                () -> activeSubscription(bundle, version).filter(s -> s.delivered() >= count).isPresent(),
                monitor::subscribers);
        return activeSubscription(bundle, version).orElseThrow();
    }

    private Optional<SubscriberInfo> activeSubscription(Bundle bundle, String version) {
        return subscriptionsOf(bundle).stream()
                .filter(s -> s.state() == SubscriberInfo.State.ACTIVE && s.bundleVersion().equals(version))
                .findFirst();
    }

    /** What the probe plugin's listener says it has received (the topics, in order). */
    @SuppressWarnings("unchecked")
    protected List<String> receivedByProbe(Bundle probe) {
        ServiceReference<?>[] services = probe.getRegisteredServices();
        if (services == null) {
            return List.of();
        }
        for (ServiceReference<?> reference : services) {
            if ("probe".equals(reference.getProperty(ProbeListener.ROLE_PROPERTY))) {
                Supplier<List<String>> received = (Supplier<List<String>>) context.getService(reference);
                try {
                    return received == null ? List.of() : received.get();
                } finally {
                    context.ungetService(reference);
                }
            }
        }
        return List.of();
    }

    /** Waits until the probe plugin's own code has received a reading on a topic. */
    protected void awaitProbeReceived(Bundle probe, String topic) {
        await(probe.getSymbolicName() + " received " + topic, () -> receivedByProbe(probe).contains(topic),
                () -> receivedByProbe(probe) + " / " + monitor.subscribers());
    }

    /**
     * Shows that the bus still works for a healthy plugin: a fresh reading reaches the probe plugin,
     * as counted by the bus and as seen by the plugin itself.
     */
    protected void assertProbeStillReceives(Bundle probe, String version, String localId) {
        long before = activeSubscription(probe, version).map(SubscriberInfo::delivered).orElse(0L);
        Reading reading = fillingLevel(localId, 0.7);
        bus.publish(reading);
        awaitDelivered(probe, version, before + 1);
        awaitProbeReceived(probe, reading.topic());
    }

    /** The live threads whose name contains a text. */
    protected static List<String> liveThreadsNamed(String text) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.contains(text))
                .sorted()
                .collect(Collectors.toList());
    }

    /** The bundle with a symbolic name. */
    protected Bundle bundleNamed(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    /** Where the HTTP whiteboard listens, as its runtime service says. */
    protected String httpEndpoint() {
        ServiceReference<?> runtime = context.getServiceReference("org.osgi.service.http.runtime.HttpServiceRuntime");
        if (runtime == null) {
            throw new AssertionError("no HTTP whiteboard runtime is registered");
        }
        Object endpoints = runtime.getProperty("osgi.http.endpoint");
        List<String> all = endpoints instanceof String[] array ? List.of(array)
                : endpoints instanceof Collection<?> collection ? collection.stream().map(String::valueOf).toList()
                : List.of(String.valueOf(endpoints));
        return all.get(0);
    }

    /** The operator's HTTP token, from the file the framework property names (see {@link RegieFramework}). */
    protected static String operatorToken() {
        BundleContext context = FrameworkUtil.getBundle(RegieTestSupport.class).getBundleContext();
        try {
            return Files.readString(Path.of(context.getProperty(RegieFramework.OPERATOR_TOKEN_FILE))).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the operator's token", e);
        }
    }

    /** The response to a GET as the operator, or null if the server could not be reached. */
    protected static HttpResponse<String> get(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + operatorToken())
                            .timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits until the audit log, read over HTTP as the operator with {@code query} (each value URL-encoded here; at most
     * 100 events unless the query gives a limit), names every one of {@code texts}; returns the status and the body.
     */
    protected String awaitAudit(HttpClient client, String query, String... texts) {
        String encoded = Arrays.stream(query.split("&")).map(pair -> {
            int equals = pair.indexOf('=');
            String value = pair.substring(equals + 1);
            return pair.substring(0, equals + 1) + URLEncoder.encode(value, StandardCharsets.UTF_8);
        }).collect(Collectors.joining("&"));
        boolean limited = Arrays.stream(query.split("&")).anyMatch(pair -> pair.startsWith("limit="));
        URI uri = URI.create(httpEndpoint()).resolve("/api/audit?" + encoded + (limited ? "" : "&limit=100"));
        String[] body = {""};
        await("the audit log at " + uri + " names " + List.of(texts), () -> {
            HttpResponse<String> response = get(client, uri);
            body[0] = response == null ? "unreachable" : response.statusCode() + " " + response.body();
            return response != null && response.statusCode() == 200
                    && List.of(texts).stream().allMatch(response.body()::contains);
        }, () -> body[0]);
        return body[0];
    }

    /**
     * The {@code Function<String, String>} a test plugin offers with the service property {@code regie.itests.role} set
     * to {@code role}, waiting until it is registered: how a test asks a plugin to try something from inside.
     */
    @SuppressWarnings("unchecked")
    protected Function<String, String> roleService(Bundle plugin, String role) {
        await(plugin.getSymbolicName() + " offers its " + role + " service", () -> withRole(plugin, role) != null,
                () -> "");
        return (Function<String, String>) context.getService(withRole(plugin, role));
    }

    private static ServiceReference<?> withRole(Bundle plugin, String role) {
        ServiceReference<?>[] services = plugin.getRegisteredServices();
        return services == null ? null : Arrays.stream(services)
                .filter(reference -> role.equals(reference.getProperty("regie.itests.role"))).findFirst().orElse(null);
    }
}
