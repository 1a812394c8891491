package nl.regie.itests;

import static nl.regie.itests.Eventually.await;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.inject.Inject;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;
import nl.regie.itests.plugin.granted.GrantedPlugin;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;

/**
 * The notifier plugins as the operator deploys them: the built, signed bundles installed into a running framework,
 * configured through ConfigurationAdmin and granted by the policy. A city plugin's flood warning reaches a real SMPP
 * gateway (jsmpp's server) as one SMS per resident in the audience, its delivery receipts shown with the notification
 * at {@code GET /api/notifications}; the e-mail plugin's private Jakarta Mail finds its SMTP transport inside the
 * framework, retries while the SMTP server (GreenMail's bundle) is down and mails once it is up. Stopping either leaves
 * no thread behind.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NotifierPluginTest extends RegieTestSupport {

    private static final String SMS = "nl.regie.notifier.sms";
    private static final String EMAIL = "nl.regie.notifier.email";

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private LogReaderService logReader;

    private SmscServer smsc;

    @Configuration
    public Option[] configuration() {
        return RegieFramework.options(List.of("slf4j-api", "slf4j-simple", "jsmpp", "jakarta.activation-api",
                "angus-activation", "jakarta.mail-api", "angus-mail", "greenmail", "runtime.public"));
    }

    @After
    public void stopGateway() throws Exception {
        if (smsc != null) {
            smsc.close();
        }
        configAdmin.getConfiguration(SMS, "?").delete();
        configAdmin.getConfiguration(EMAIL, "?").delete();
        configAdmin.getConfiguration(POLICY_PID, "?").delete();
    }

    @Test
    public void aCityWarningReachesTheResidentsBySmsThroughARealGateway() throws Exception {
        List<LogEntry> logged = new CopyOnWriteArrayList<>();
        LogListener listener = logged::add;
        logReader.addLogListener(listener);
        Path folder = Files.createTempDirectory(RegieFramework.workDirectory().toPath(), "notifier-");
        // Two residents within 500 m of the granted plugin's Amstel gauge, one across town.
        Files.writeString(folder.resolve("contacts.csv"), "4.9015,52.3605,+31612345678\n4.9020,52.3598,+31687654321\n"
                + "4.8500,52.3900,+31600000001\n");
        Files.writeString(folder.resolve("smpp.password"), "s3cret\n");
        int port = freePort();
        smsc = new SmscServer(port, "regie", "s3cret");
        grantNotifiers();
        Dictionary<String, Object> settings = new Hashtable<>();
        settings.put("host", "127.0.0.1");
        settings.put("port", port);
        settings.put("system.id", "regie");
        settings.put("password.file", folder.resolve("smpp.password").toString());
        settings.put("sender", "Gemeente");
        settings.put("contacts.file", folder.resolve("contacts.csv").toString());
        configAdmin.getConfiguration(SMS, "?").update(settings);

        Bundle notifier = installNotifier("notifier.sms");
        // Residents' numbers cannot reach the bus: the plugin neither imports the bus nor declares anything to publish.
        String imports = notifier.getHeaders().get("Import-Package");
        assertFalse(imports, imports.contains("nl.regie.api.bus"));
        String scope = notifier.getHeaders().get("Provide-Capability");
        assertTrue(scope, scope.contains("regie.scope;notifies:List<String>=\"*\""));
        assertFalse(scope, scope.contains("publishes"));
        await("the SMS notifier is configured", () -> health(notifier).detail()
                .startsWith("3 resident(s) signed up for SMS"), () -> health(notifier).detail());
        Bundle granted = installPlugin(GrantedPlugin.NAME, "1.0.0", TestBundles.GRANTED_PACKAGE);
        Function<String, String> plugin = roleService(granted, "granted");
        assertEquals("sent", plugin.apply("warn"));

        await("two texts at the gateway", () -> smsc.received().size() == 2, () -> smsc.received().toString());
        assertEquals(Set.of("31612345678", "31687654321"),
                smsc.received().stream().map(SmscServer.Received::to).collect(Collectors.toSet()));
        assertEquals("Flood warning\nSandbags at the Amstel", smsc.received().get(0).text());
        // The operator sees the outcome next to the notification: two residents, both delivered by receipt.
        HttpClient http = HttpClient.newHttpClient();
        URI notifications = URI.create(httpEndpoint().replaceAll("/$", "") + "/api/notifications");
        await("the SMS delivery report at /api/notifications", () -> {
            HttpResponse<String> response = get(http, notifications);
            return response != null && response.body().contains("{\"notifier\":\"" + SMS + "\",\"channel\":\"SMS\","
                    + "\"recipients\":2,\"queued\":0,\"sent\":0,\"delivered\":2,\"failed\":0,\"lastFailure\":null");
        }, () -> String.valueOf(get(http, notifications).body()));
        assertFalse(get(http, notifications).body().contains("612345678"));
        residentsNumbersAreNowhereInPublic(http, List.of("612345678", "687654321", "600000001"));
        logReader.removeLogListener(listener);
        List<String> lines = logged.stream().filter(e -> LogLevel.INFO.implies(e.getLogLevel()))
                .map(e -> e.getBundle().getSymbolicName() + " " + e.getLogLevel() + " " + e.getMessage()
                        + (e.getException() == null ? "" : " " + e.getException()))
                .toList();
        assertTrue(lines.toString(), lines.stream().anyMatch(l -> l.startsWith(SMS + " INFO ")));
        for (String line : lines) {
            assertFalse(line, line.contains("612345678") || line.contains("687654321")
                    || line.contains("600000001"));
        }
        await("the notifier is healthy with nothing waiting", () -> health(notifier).healthy()
                && health(notifier).detail().endsWith(", 0 message(s) waiting"), () -> health(notifier).detail());

        notifier.stop();
        await("the SMS notifier's thread ended", () -> liveThreadsNamed("regie-notifier-sms").isEmpty(),
                () -> liveThreadsNamed("regie-notifier-sms").toString());
    }

    @Test
    public void theEmailNotifierRetriesWhileTheSmtpServerIsDownAndMailsWhenItIsUp() throws Exception {
        Path folder = Files.createTempDirectory(RegieFramework.workDirectory().toPath(), "notifier-");
        Files.writeString(folder.resolve("contacts.csv"), "4.9015,52.3605,jan@example.nl\n");
        grantNotifiers();
        int port = freePort(); // nothing listens there yet
        Dictionary<String, Object> settings = new Hashtable<>();
        settings.put("host", "127.0.0.1");
        settings.put("port", port);
        settings.put("starttls", false);
        settings.put("from", "regie@city.example");
        settings.put("contacts.file", folder.resolve("contacts.csv").toString());
        settings.put("retry.first.ms", 100L);
        settings.put("retry.max.ms", 500L);
        settings.put("attempts", 100);
        configAdmin.getConfiguration(EMAIL, "?").update(settings);

        Bundle notifier = installNotifier("notifier.email");
        await("the e-mail notifier is configured", () -> health(notifier).detail()
                .startsWith("1 resident(s) signed up for e-mail"), () -> health(notifier).detail());
        Bundle granted = installPlugin(GrantedPlugin.NAME, "1.0.0", TestBundles.GRANTED_PACKAGE);
        assertEquals("sent", roleService(granted, "granted").apply("warn"));

        // The plugin's private Jakarta Mail found its SMTP transport in the framework: the failure is the refused
        // connection, not a missing provider.
        await("the gateway is reported failing", () -> !health(notifier).healthy(), () -> health(notifier).detail());
        String detail = health(notifier).detail();
        assertTrue(detail, detail.startsWith("e-mail gateway failing since "));
        assertTrue(detail, detail.contains("Couldn't connect to host"));
        assertFalse(detail, detail.contains("jan@example.nl"));
        // The notification itself went its way: the runtime keeps it, with the e-mail still queued for its resident.
        HttpClient http = HttpClient.newHttpClient();
        URI notifications = URI.create(httpEndpoint().replaceAll("/$", "") + "/api/notifications");
        await("the queued e-mail at /api/notifications", () -> {
            HttpResponse<String> response = get(http, notifications);
            return response != null && response.body().contains("\"subject\":\"Flood warning\"")
                    && response.body().contains("{\"notifier\":\"" + EMAIL + "\",\"channel\":\"e-mail\","
                            + "\"recipients\":1,\"queued\":1,\"sent\":0");
        }, () -> String.valueOf(get(http, notifications).body()));

        // The server comes up: the retried message arrives.
        GreenMail smtp = startSmtp(port);
        try {
            await("the mail at the server", () -> smtp.getReceivedMessages().length == 1,
                    () -> health(notifier).detail());
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertEquals("Flood warning", mail.getSubject());
            assertEquals("jan@example.nl", mail.getRecipients(RecipientType.TO)[0].toString());
            await("the notifier is healthy again", () -> health(notifier).healthy(), () -> health(notifier).detail());
            await("the e-mail reported sent", () -> get(http, notifications).body().contains("{\"notifier\":\""
                    + EMAIL + "\",\"channel\":\"e-mail\",\"recipients\":1,\"queued\":0,\"sent\":1"),
                    () -> String.valueOf(get(http, notifications).body()));
        } finally {
            smtp.stop();
        }

        notifier.stop();
        await("the e-mail notifier's thread ended", () -> liveThreadsNamed("regie-notifier-email").isEmpty(),
                () -> liveThreadsNamed("regie-notifier-email").toString());
    }

    /**
     * The public side (register page, its exports, the CAP feed) answers, and holds none of the
     * residents' numbers: contact data never leaves the notifier's party.
     */
    private void residentsNumbersAreNowhereInPublic(HttpClient http, List<String> numbers) {
        String base = httpEndpoint().replaceAll("/$", "");
        for (String path : List.of("/public/sensors", "/public/sensors?lang=en", "/public/sensors.json",
                "/public/sensors.csv", "/public/alerts.atom")) {
            URI uri = URI.create(base + path);
            await(path + " answers", () -> {
                HttpResponse<String> response = get(http, uri);
                return response != null && response.statusCode() == 200;
            }, () -> String.valueOf(get(http, uri)));
            String body = get(http, uri).body();
            for (String number : numbers) {
                assertFalse(path + ": " + body, body.contains(number));
            }
        }
    }

    /**
     * GreenMail from its bundle. Jakarta Mail's API bundle finds its implementation by the thread's context class
     * loader, so the server's threads are started with Angus's.
     */
    private GreenMail startSmtp(int port) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(bundleNamed("org.eclipse.angus.mail").adapt(BundleWiring.class).getClassLoader());
        try {
            GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            server.start();
            return server;
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The policy: the demo keys, and both notifiers may deliver the city's notifications. */
    private void grantNotifiers() throws Exception {
        Dictionary<String, Object> policy = new Hashtable<>();
        policy.put("keys", TestKeys.demoPolicyKeys());
        String[] grants = {SMS + " notifies city", EMAIL + " notifies city"};
        policy.put("services", grants);
        configAdmin.getConfiguration(POLICY_PID, "?").update(policy);
        await("the notifiers granted", () -> {
            ServiceReference<?> served = context.getServiceReference("nl.regie.runtime.spi.policy.AccessPolicy");
            return served != null && served.getProperty("services") instanceof String[] values
                    && List.of(values).equals(List.of(grants));
        }, () -> "");
    }

    /** Installs and starts the built notifier bundle, as signed by the build with the city's demo key. */
    private Bundle installNotifier(String name) throws Exception {
        try (InputStream jar = new FileInputStream(RegieFramework.bundleFile(name))) {
            Bundle bundle = install("regie-itests:" + name, jar);
            bundle.start();
            return bundle;
        }
    }

    private HealthStatus health(Bundle notifier) {
        ServiceReference<?>[] services = notifier.getRegisteredServices();
        if (services != null) {
            for (ServiceReference<?> reference : services) {
                if (List.of((String[]) reference.getProperty("objectClass")).contains(HealthCheck.class.getName())) {
                    HealthCheck check = (HealthCheck) context.getService(reference);
                    try {
                        return check.check();
                    } finally {
                        context.ungetService(reference);
                    }
                }
            }
        }
        return HealthStatus.unhealthy("no health check registered");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
