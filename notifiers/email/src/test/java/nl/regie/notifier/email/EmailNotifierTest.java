package nl.regie.notifier.email;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import nl.regie.api.model.Location;
import nl.regie.api.notify.Audience;
import nl.regie.api.notify.DeliveryReport;
import nl.regie.api.notify.Notification;
import nl.regie.notifiers.delivery.DeliveryBook;
import nl.regie.testkit.KitLog;
import nl.regie.testkit.RegieTestKit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/** The e-mail notifier against a real SMTP server (GreenMail) in this JVM, on a loopback port free at the start. */
class EmailNotifierTest {

    /** Two residents near the Amstel gauge, one across town. */
    private static final String CONTACTS = """
            # longitude,latitude,address
            4.9040,52.3670,jan.jansen@example.nl
            4.9050,52.3675,piet@example.nl
            4.8500,52.3900,far.away@example.nl
            """;
    private static final Set<String> ADDRESSES = Set.of("jan.jansen@example.nl", "piet@example.nl",
            "far.away@example.nl");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path folder;
    private RegieTestKit kit;
    private KitLog log;
    private int port;
    private GreenMail smtp;
    private EmailNotifier notifier;

    @BeforeEach
    void start() throws IOException {
        kit = RegieTestKit.forPlugin("nl.regie.notifier.email");
        log = kit.log();
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Files.writeString(folder.resolve("contacts.csv"), CONTACTS);
        Files.writeString(folder.resolve("smtp.password"), "s3cret\n");
        smtp = startSmtp();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (notifier != null) {
            notifier.deactivate();
        }
        smtp.stop();
        kit.close();
        // Residents' addresses never reach the log in clear, whatever the test did.
        for (KitLog.Entry entry : log.entries()) {
            for (String address : ADDRESSES) {
                assertFalse(entry.message().contains(address), entry.message());
            }
        }
    }

    @Test
    void mailsTheResidentsInTheAudienceAndRecordsThemSent() throws Exception {
        notifier = notifier(Map.of());
        notifier.deliver(flood("n1"));
        assertTrue(smtp.waitForIncomingEmail(10_000, 2));
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertEquals(Set.of("jan.jansen@example.nl", "piet@example.nl"), recipients(mails));
        assertEquals("Flood warning: Amstel", mails[0].getSubject());
        assertEquals("regie@city.example", mails[0].getFrom()[0].toString());
        assertTrue(GreenMailUtil.getBody(mails[0]).contains("Nearest sandbag point: Dam"));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome("n1").queued() == 0);
        DeliveryBook.Outcome outcome = outcome("n1");
        assertEquals(2, outcome.recipients());
        assertEquals(2, outcome.sent());
        assertEquals(0, outcome.failed());
        assertTrue(log.messages("info").contains("E-mail for notification n1 from nl.dijkwacht.flood: 2 resident(s),"
                + " 2 sent"), log.entries().toString());
        assertTrue(notifier.check().healthy());
    }

    @Test
    void retriesWhileTheServerIsDownAndSendsWhenItIsBack() throws Exception {
        smtp.stop();
        notifier = notifier(Map.of());
        long before = System.nanoTime();
        notifier.deliver(flood("n1"));
        assertTrue(System.nanoTime() - before < Duration.ofSeconds(2).toNanos(), "deliver only queues");
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("n1").retries() >= 2);
        assertFalse(notifier.check().healthy());
        assertTrue(notifier.check().detail().startsWith("e-mail gateway failing since "), notifier.check().detail());
        assertEquals(2, outcome("n1").queued());

        smtp = startSmtp();
        assertTrue(smtp.waitForIncomingEmail(20_000, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> outcome("n1").sent() == 2);
        assertEquals(0, outcome("n1").failed());
        assertTrue(notifier.check().healthy(), notifier.check().detail());
        assertTrue(log.messages("warn").stream().anyMatch(w -> w.startsWith("Attempt 1 of 5 to send notification n1"
                + " to ") && w.contains("***@e***.nl failed, retrying in ")), log.messages("warn").toString());
    }

    @Test
    void aServerThatKeepsRefusingIsRetriedThenReportedWithItsReason() throws Exception {
        Files.writeString(folder.resolve("smtp.password"), "wrong\n");
        notifier = notifier(Map.of("attempts", 3));
        List<DeliveryReport> reports = new CopyOnWriteArrayList<>();
        notifier.reports = reports::add;
        notifier.deliver(flood("n1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> outcome("n1").failed() == 2);
        DeliveryBook.Outcome outcome = outcome("n1");
        assertEquals(4, outcome.retries());
        assertEquals(0, outcome.sent());
        assertTrue(outcome.failures().get(0).matches("[jp]\\*\\*\\*@e\\*\\*\\*\\.nl: .*535.*"), outcome.failures()
                .toString());
        assertTrue(log.messages("warn").stream().anyMatch(w -> w.startsWith("E-mail for notification n1 from"
                + " nl.dijkwacht.flood: 2 resident(s), 0 sent, 2 failed: ")), log.messages("warn").toString());
        assertEquals(0, smtp.getReceivedMessages().length);
        DeliveryReport last = reports.get(reports.size() - 1);
        assertEquals(2, last.failed());
        assertTrue(last.lastFailure().contains("535"), last.lastFailure());
        assertFalse(last.lastFailure().contains("@"), last.lastFailure());
    }

    @Test
    void aNotificationForNoSignedUpResidentSendsNothing() throws Exception {
        notifier = notifier(Map.of());
        notifier.deliver(new Notification("n1", "Test", "Nobody lives here.",
                new Audience(Location.of(5.5, 52.0), 100, "a field"), null, "nl.dijkwacht.flood", CLOCK.instant()));
        assertEquals(0, outcome("n1").recipients());
        assertTrue(log.messages("info").contains("E-mail for notification n1 from nl.dijkwacht.flood: 0 resident(s),"
                + " 0 sent"));
    }

    @Test
    void aChangedContactsFileIsReadAgainAndABadOneKeepsThePreviousList() throws Exception {
        notifier = notifier(Map.of());
        Files.writeString(folder.resolve("contacts.csv"), "4.9040,52.3670,not-an-address\n");
        Files.setLastModifiedTime(folder.resolve("contacts.csv"),
                FileTime.from(Instant.now().plusSeconds(5)));
        notifier.deliver(flood("n1"));
        assertEquals(2, outcome("n1").recipients(), "the previous list");
        assertFalse(notifier.check().healthy());
        assertTrue(notifier.check().detail().contains("line 1: an e-mail address needs an @ (not*********ss)"),
                notifier.check().detail());
        assertTrue(smtp.waitForIncomingEmail(10_000, 2));

        Files.writeString(folder.resolve("contacts.csv"), "4.9040,52.3670,new@example.nl\n");
        Files.setLastModifiedTime(folder.resolve("contacts.csv"),
                FileTime.from(Instant.now().plusSeconds(10)));
        notifier.deliver(flood("n2"));
        assertEquals(1, outcome("n2").recipients());
        assertTrue(smtp.waitForIncomingEmail(10_000, 3));
    }

    @Test
    void withoutAHostItIsNotConfiguredAndSendsNothing() throws Exception {
        notifier = new EmailNotifier(RegieTestKit.typedConfig(EmailNotifier.Config.class, Map.of()), folder, CLOCK,
                log.logger());
        notifier.deliver(flood("n1"));
        assertTrue(notifier.check().healthy());
        assertEquals("not configured: no SMTP host set in nl.regie.notifier.email.cfg", notifier.check().detail());
        assertTrue(notifier.outcomes().isEmpty());
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertEquals("from must be the sender's e-mail address, and is empty", refusal(Map.of("from", "")));
        assertEquals("from must be the sender's e-mail address: an e-mail address needs an @",
                refusal(Map.of("from", "regie")));
        assertEquals("contacts.file must name the file of residents signed up for e-mail",
                refusal(Map.of("contacts.file", " ")));
        assertEquals("password.file must name the file holding the password of user regie",
                refusal(Map.of("password.file", "")));
        assertEquals("rate.per.second must be more than 0, not 0.0", refusal(Map.of("rate.per.second", 0)));
        assertEquals("port must be 1 to 65535, not 0", refusal(Map.of("port", 0)));
        assertEquals("retry.first.ms, retry.max.ms: longest retry wait (10 ms) must be at least the first (20 ms)",
                refusal(Map.of("retry.first.ms", 20, "retry.max.ms", 10)));
        assertTrue(refusal(Map.of("contacts.file", "missing.csv")).startsWith("contacts file "));
        assertTrue(refusal(Map.of("password.file", "missing")).startsWith("password.file "));
    }

    @Test
    void aBadContactsFileIsRefusedAtStartNamingTheLineNotTheAddress() throws IOException {
        Files.writeString(folder.resolve("contacts.csv"), "4.9,52.3,jan@example.nl\n4.9,52.3,+31612345678\n");
        String message = refusal(Map.of());
        assertTrue(message.endsWith("contacts.csv line 2: an e-mail address needs an @ (+31*******78)"), message);
    }

    private String refusal(Map<String, Object> settings) {
        return assertThrows(IllegalArgumentException.class, () -> notifier(settings)).getMessage();
    }

    private EmailNotifier notifier(Map<String, Object> overrides) throws MessagingException {
        Map<String, Object> settings = new HashMap<>(Map.of("host", "127.0.0.1", "port", port, "starttls", false,
                "username", "regie", "password.file", "smtp.password", "from", "regie@city.example",
                "contacts.file", "contacts.csv", "retry.first.ms", 50, "retry.max.ms", 200, "timeout.ms", 5_000));
        settings.putAll(overrides);
        return new EmailNotifier(RegieTestKit.typedConfig(EmailNotifier.Config.class, settings), folder, CLOCK,
                log.logger());
    }

    private GreenMail startSmtp() {
        GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("regie@city.example", "regie", "s3cret"));
        server.start();
        return server;
    }

    private DeliveryBook.Outcome outcome(String id) {
        return notifier.outcomes().stream().filter(o -> o.notificationId().equals(id)).findFirst().orElseThrow();
    }

    private static Notification flood(String id) {
        return new Notification(id, "Flood warning: Amstel", "The water at Amstel is 1.2 m. Nearest sandbag point: Dam,"
                + " 300 m from the gauge.", new Audience(Location.of(4.9045, 52.3672), 500, "within 500 m of Amstel"),
                null, "nl.dijkwacht.flood", CLOCK.instant());
    }

    private static Set<String> recipients(MimeMessage[] mails) throws MessagingException {
        Set<String> to = new HashSet<>();
        for (MimeMessage mail : mails) {
            for (var address : mail.getRecipients(RecipientType.TO)) {
                to.add(address.toString());
            }
        }
        return to;
    }
}
