package nl.regie.notifier.email;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import nl.regie.api.health.HealthCheck;
import nl.regie.api.health.HealthStatus;
import nl.regie.api.notify.DeliveryReports;
import nl.regie.api.notify.Notification;
import nl.regie.api.notify.Notifier;
import nl.regie.notifiers.delivery.Channel;
import nl.regie.notifiers.delivery.DeliveryBook;
import nl.regie.notifiers.delivery.Outbox;
import nl.regie.notifiers.delivery.RateLimiter;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import jakarta.mail.MessagingException;

/**
 * Delivers notifications by e-mail to the residents in their audience who signed up (the contacts file), through an
 * SMTP server, at most {@code rate.per.second}, each message retried with backoff while the server is down or refuses
 * it. Never waits for the server: the runtime's notification thread only queues. Without a {@code host} it is not
 * configured: it sends nothing and says so in its health.
 */
@Component(configurationPid = EmailNotifier.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {Notifier.class, HealthCheck.class})
@Designate(ocd = EmailNotifier.Config.class)
public final class EmailNotifier implements Notifier, HealthCheck {

    /** The configuration PID: {@code config/nl.regie.notifier.email.cfg}. */
    public static final String PID = "nl.regie.notifier.email";
    /** What the channel is called in delivery reports. */
    public static final String CHANNEL = "e-mail";
    /** The outbox thread's name. */
    public static final String THREAD_NAME = "regie-notifier-email";

    /** The e-mail notifier's settings. */
    @ObjectClassDefinition(name = "Regie e-mail notifier",
            description = "Residents' warnings by e-mail over SMTP, to the residents in the contacts file.")
    public @interface Config {
        @AttributeDefinition(description = "The SMTP server's host name; empty: not configured, nothing is sent.")
        String host() default "";

        @AttributeDefinition(description = "The SMTP server's port (587 submission, 25 relay).", min = "1", max = "65535")
        int port() default 587;

        @AttributeDefinition(description = "Require STARTTLS (off only for a server on the same machine).")
        boolean starttls() default true;

        @AttributeDefinition(description = "The SMTP login; empty for none.")
        String username() default "";

        @AttributeDefinition(description = "The file holding the login's password (its first line); relative to the"
                + " config folder.")
        String password_file() default "";

        @AttributeDefinition(description = "The sender address.")
        String from() default "";

        @AttributeDefinition(description = "The residents signed up for e-mail: one 'longitude,latitude,address' a"
                + " line; relative to the config folder. Read again when it changes.")
        String contacts_file() default "";

        @AttributeDefinition(description = "Messages a second at most.", min = "0.001")
        double rate_per_second() default 5;

        @AttributeDefinition(description = "Messages sent at once after a quiet spell.", min = "1")
        int burst() default 10;

        @AttributeDefinition(description = "Attempts per message before it is reported failed.", min = "1", max = "100")
        int attempts() default 5;

        @AttributeDefinition(description = "Wait before the first retry, in ms; doubles with each retry.", min = "1")
        long retry_first_ms() default 2_000;

        @AttributeDefinition(description = "Longest wait between retries, in ms.", min = "1")
        long retry_max_ms() default 300_000;

        @AttributeDefinition(description = "Connect, read and write time limit, in ms.", min = "1")
        long timeout_ms() default 10_000;

        @AttributeDefinition(description = "Messages the outbox holds; more fail at once.", min = "1")
        int outbox_capacity() default 10_000;
    }

    private final Logger log;
    /** The runtime's record of delivery outcomes, next to the notifications (GET /api/notifications); optional. */
    @Reference(name = "reports", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile DeliveryReports reports;
    /** Whether a refused report was logged already: once is enough. */
    private volatile boolean reportRefusalLogged;
    /** Null when not configured. */
    private final Channel channel;

    /** Reads the settings and the contacts, and starts the outbox; relative paths are in the config folder. */
    @Activate
    public EmailNotifier(Config config, BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) throws MessagingException {
        this(config, configFolder(context), Clock.systemUTC(), log);
    }

    EmailNotifier(Config config, Path base, Clock clock, Logger log) throws MessagingException {
        this.log = log;
        EmailSettings settings = EmailSettings.of(config, base);
        if (settings == null) {
            channel = null;
            log.info("E-mail notifier not configured: set host, from and contacts.file in {}.cfg; nothing is sent", PID);
            return;
        }
        SmtpGateway gateway = new SmtpGateway(settings, settings.password());
        DeliveryBook book = new DeliveryBook(false, this::changed);
        channel = new Channel(new Channel.Settings(CHANNEL, settings.contactsFile(), SmtpGateway::check,
                Notification::message), book,
                b -> new Outbox(THREAD_NAME, gateway, settings.backoff(),
                        new RateLimiter(settings.perSecond(), settings.burst(), System::nanoTime), b,
                        settings.capacity(), log::warn),
                clock, log::warn);
        log.info("E-mail notifier sends through {}:{} from {} to {} resident(s) signed up", settings.host(),
                settings.port(), settings.from(), channel.contacts());
    }

    /** Queues one e-mail for each resident in the audience; returns before any is sent. */
    @Override
    public void deliver(Notification notification) {
        if (channel != null) {
            channel.deliver(notification);
        }
    }

    @Override
    public HealthStatus check() {
        return channel == null ? new HealthStatus(true, "not configured: no SMTP host set in " + PID + ".cfg")
                : channel.health();
    }

    /** What became of the notifications sent lately; empty when not configured. */
    public List<DeliveryBook.Outcome> outcomes() {
        return channel == null ? List.of() : channel.book().outcomes();
    }

    /** Stops the outbox; messages still queued are reported not sent. */
    @Deactivate
    public void deactivate() throws InterruptedException {
        if (channel != null) {
            channel.close();
        }
    }

    /** Reports every change to the runtime, and logs each notification's outcome once it settles. */
    private void changed(DeliveryBook.Outcome outcome) {
        report(outcome);
        if (!outcome.settled(false)) {
            return;
        }
        if (outcome.failed() == 0) {
            log.info("E-mail for notification {} from {}: {} resident(s), {} sent", outcome.notificationId(),
                    outcome.source(), outcome.recipients(), outcome.sent());
        } else {
            log.warn("E-mail for notification {} from {}: {} resident(s), {} sent, {} failed: {}",
                    outcome.notificationId(), outcome.source(), outcome.recipients(), outcome.sent(), outcome.failed(),
                    String.join("; ", outcome.failures()));
        }
    }

    private void report(DeliveryBook.Outcome outcome) {
        DeliveryReports to = reports;
        if (to == null) {
            return;
        }
        try {
            to.report(outcome.report(CHANNEL));
        } catch (RuntimeException e) {
            if (!reportRefusalLogged) {
                reportRefusalLogged = true;
                log.warn("The runtime refused a delivery report of notification {}: {}", outcome.notificationId(),
                        e.getMessage());
            }
        }
    }

    static Path configFolder(BundleContext context) {
        String folder = context.getProperty("regie.config.dir");
        return Path.of(folder == null ? "" : folder).toAbsolutePath();
    }
}
