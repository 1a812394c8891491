package nl.regie.notifier.sms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;
import nl.regie.api.notify.NotificationRequest;
import nl.regie.notifiers.delivery.DeliveryBook;
import nl.regie.testkit.KitLog;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMS notifier against a real SMPP 3.4 server (jsmpp's server side) in this JVM, on a loopback port. */
class SmsNotifierTest {

    /** Two residents near the Amstel gauge, one across town. */
    private static final String CONTACTS = """
            # longitude,latitude,phone
            4.9040,52.3670,+31612345678
            4.9050,52.3675,+31687654321
            4.8500,52.3900,+31600000001
            """;
    private static final Set<String> NUMBERS = Set.of("31612345678", "31687654321", "31600000001");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path folder;
    private RegieTestKit kit;
    private KitLog log;
    private int port;
    private TestSmsc smsc;
    private SmsNotifier notifier;

    @BeforeEach
    void start() throws IOException {
        kit = RegieTestKit.forPlugin("nl.regie.notifier.sms");
        log = kit.log();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(folder.resolve("contacts.csv"), CONTACTS);
        Files.writeString(folder.resolve("smpp.password"), "s3cret\n");
        smsc = new TestSmsc(port, "regie", "s3cret");
    }

    @AfterEach
    void stop() throws Exception {
        if (notifier != null) {
            notifier.deactivate();
        }
        smsc.close();
        kit.close();
        // Residents' phone numbers never reach the log in clear, whatever the test did.
        for (KitLog.Entry entry : log.entries()) {
            for (String number : NUMBERS) {
                assertFalse(entry.message().contains(number.substring(2)), entry.message());
            }
        }
    }

    @Test
    void textsTheResidentsInTheAudienceAndRecordsTheirDeliveryReceipts() {
        smsc.unreachable(Set.of("31687654321"));
        notifier = notifier(Map.of());
        List<DeliveryReport> reports = new CopyOnWriteArrayList<>();
        notifier.reports = reports::add;
        notifier.deliver(flood("n1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome("n1").settled(true));
        DeliveryBook.Outcome outcome = outcome("n1");
        assertEquals(2, outcome.recipients());
        assertEquals(1, outcome.delivered());
        assertEquals(1, outcome.failed());
        assertEquals(List.of("+31*******21: receipt: UNDELIV err 001"), outcome.failures());
        List<TestSmsc.Received> received = smsc.received();
        assertEquals(Set.of("31612345678", "31687654321"),
                received.stream().map(TestSmsc.Received::to).collect(Collectors.toSet()));
        assertEquals("Flood warning: Amstel\nThe water at Amstel is 1.2 m. Nearest sandbag point: Dam, 300 m from the"
                + " gauge.", received.get(0).text(), "a long text whole in message_payload");
        assertTrue(log.messages("warn").contains("SMS for notification n1 from nl.dijkwacht.flood: 2 resident(s),"
                + " 1 delivered, 1 failed: +31*******21: receipt: UNDELIV err 001"), log.entries().toString());
        assertEquals(1, smsc.binds(), "one session for both");
        // The runtime is told each step, in counts and reasons: no phone number, not even masked.
        assertEquals(new DeliveryReport("n1", "SMS", 2, 2, 0, 0, 0, null), reports.get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.get(reports.size() - 1)
                .equals(new DeliveryReport("n1", "SMS", 2, 0, 0, 1, 1, "receipt: UNDELIV err 001")));
    }

    @Test
    void throughTheRuntimesDispatcherItsReportsReachTheRuntime() {
        notifier = notifier(Map.of());
        notifier.reports = kit.deliveryReports();
        kit.notifier(notifier);
        Notification sent = kit.notifications().send(new NotificationRequest("Flood warning: Amstel", "Sandbags at the"
                + " Dam.", new Audience(Location.of(4.9045, 52.3672), 500, "within 500 m of Amstel"), null));
        await().atMost(Duration.ofSeconds(10)).until(() -> kit.deliveries(sent.id())
                .equals(List.of(new DeliveryReport(sent.id(), "SMS", 2, 0, 0, 2, 0, null))));
        assertEquals(2, smsc.received().size());
    }

    @Test
    void aShortTextGoesInShortMessage() {
        notifier = notifier(Map.of());
        notifier.deliver(new Notification("n1", "Test", "Dijk ok.", new Audience(Location.of(4.9045, 52.3672), 500,
                "Amstel"), null, "nl.dijkwacht.flood", CLOCK.instant()));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome("n1").delivered() == 2);
        assertEquals("Test\nDijk ok.", smsc.received().get(0).text());
    }

    @Test
    void retriesWhileTheGatewayIsDownAndSendsWhenItIsBack() throws IOException {
        smsc.close();
        notifier = notifier(Map.of());
        long before = System.nanoTime();
        notifier.deliver(flood("n1"));
        assertTrue(System.nanoTime() - before < Duration.ofSeconds(2).toNanos(), "deliver only queues");
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("n1").retries() >= 2);
        assertFalse(notifier.check().healthy());
        assertTrue(notifier.check().detail().startsWith("SMS gateway failing since "), notifier.check().detail());
        assertTrue(notifier.check().detail().contains("cannot bind to SMS gateway 127.0.0.1:" + port + " as regie"),
                notifier.check().detail());

        smsc = new TestSmsc(port, "regie", "s3cret");
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("n1").delivered() == 2);
        assertTrue(notifier.check().healthy(), notifier.check().detail());
    }

    @Test
    void aGatewayThatKeepsRefusingIsRetriedThenReportedWithItsStatus() {
        smsc.refuse();
        notifier = notifier(Map.of("attempts", 3));
        notifier.deliver(flood("n1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("n1").failed() == 2);
        DeliveryBook.Outcome outcome = outcome("n1");
        assertEquals(4, outcome.retries());
        assertEquals(0, outcome.delivered());
        assertTrue(outcome.failures().get(0).matches("\\+31\\*{7}[0-9]{2}: gateway refused the message: Negative"
                + " response 00000045 \\(submit_sm or submit_multi failed\\) found"), outcome.failures().toString());
        assertTrue(smsc.received().isEmpty());
    }

    @Test
    void aRefusedLoginIsRetriedThenReported() throws IOException {
        Files.writeString(folder.resolve("smpp.password"), "wrong\n");
        notifier = notifier(Map.of("attempts", 2));
        notifier.deliver(flood("n1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("n1").failed() == 2);
        assertTrue(outcome("n1").failures().get(0).contains("cannot bind to SMS gateway 127.0.0.1:" + port
                + " as regie"), outcome("n1").failures().toString());
        assertEquals(0, smsc.binds());
    }

    @Test
    void withoutAHostItIsNotConfiguredAndSendsNothing() {
        notifier = new SmsNotifier(RegieTestKit.typedConfig(SmsNotifier.Config.class, Map.of()), folder, CLOCK,
                log.logger());
        notifier.deliver(flood("n1"));
        assertEquals("not configured: no SMS gateway host set in nl.regie.notifier.sms.cfg", notifier.check().detail());
        assertTrue(notifier.check().healthy());
        assertTrue(notifier.outcomes().isEmpty());
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() throws IOException {
        assertEquals("sender: the sender must be an international phone number or 1 to 11 letters, digits and spaces,"
                + " not 'Gemeente Amsterdam'", refusal(Map.of("sender", "Gemeente Amsterdam")));
        assertEquals("system.id must be the SMPP login, 1 to 15 characters", refusal(Map.of("system.id", "")));
        assertEquals("password.file must name the file holding the SMPP password of regie",
                refusal(Map.of("password.file", "")));
        assertEquals("port must be 1 to 65535, not 70000", refusal(Map.of("port", 70_000)));
        Files.writeString(folder.resolve("long.password"), "much-too-long\n");
        assertTrue(refusal(Map.of("password.file", "long.password"))
                .endsWith("an SMPP 3.4 password is at most 8 characters"));
        Files.writeString(folder.resolve("bad.csv"), "4.9,52.3,0612345678\n");
        String message = refusal(Map.of("contacts.file", "bad.csv"));
        assertTrue(message.endsWith("bad.csv line 1: a phone number must be international: + and 7 to 15 digits, the"
                + " country code first (061*****78)"), message);
    }

    private String refusal(Map<String, Object> settings) {
        return assertThrows(IllegalArgumentException.class, () -> notifier(settings)).getMessage();
    }

    private SmsNotifier notifier(Map<String, Object> overrides) {
        Map<String, Object> settings = new HashMap<>(Map.of("host", "127.0.0.1", "port", port, "system.id", "regie",
                "password.file", "smpp.password", "sender", "Gemeente", "contacts.file", "contacts.csv",
                "retry.first.ms", 50, "retry.max.ms", 200, "timeout.ms", 5_000));
        settings.putAll(overrides);
        return new SmsNotifier(RegieTestKit.typedConfig(SmsNotifier.Config.class, settings), folder, CLOCK,
                log.logger());
    }

    private DeliveryBook.Outcome outcome(String id) {
        return notifier.outcomes().stream().filter(o -> o.notificationId().equals(id)).findFirst().orElseThrow();
    }

    private static Notification flood(String id) {
        return new Notification(id, "Flood warning: Amstel", "The water at Amstel is 1.2 m. Nearest sandbag point: Dam,"
                + " 300 m from the gauge.", new Audience(Location.of(4.9045, 52.3672), 500, "within 500 m of Amstel"),
                null, "nl.dijkwacht.flood", CLOCK.instant());
    }
}
