package nl.regie.notifier.sms;

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

/**
 * Delivers notifications by SMS to the residents in their audience who signed up (the contacts file), through an SMS
 * gateway over SMPP 3.4, at most {@code rate.per.second}, each message retried with backoff while the gateway is down
 * or refuses it, and its delivery receipt recorded. Never waits for the gateway: the runtime's notification thread
 * only queues. Without a {@code host} it is not configured: it sends nothing and says so in its health.
 */
@Component(configurationPid = SmsNotifier.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {Notifier.class, HealthCheck.class})
@Designate(ocd = SmsNotifier.Config.class)
public final class SmsNotifier implements Notifier, HealthCheck {

    /** The configuration PID: {@code config/nl.regie.notifier.sms.cfg}. */
    public static final String PID = "nl.regie.notifier.sms";
    /** What the channel is called in delivery reports. */
    public static final String CHANNEL = "SMS";
    /** The outbox thread's name. */
    public static final String THREAD_NAME = "regie-notifier-sms";

    /** The SMS notifier's settings. */
    @ObjectClassDefinition(name = "Regie SMS notifier",
            description = "Residents' warnings by SMS through an SMPP 3.4 gateway, to the residents in the contacts"
                    + " file.")
    public @interface Config {
        @AttributeDefinition(description = "The SMS gateway's (SMSC's) host name; empty: not configured, nothing is"
                + " sent.")
        String host() default "";

        @AttributeDefinition(description = "The gateway's SMPP port.", min = "1", max = "65535")
        int port() default 2775;

        @AttributeDefinition(description = "The SMPP login (system_id).")
        String system_id() default "";

        @AttributeDefinition(description = "The file holding the SMPP password (its first line, at most 8"
                + " characters); relative to the config folder.")
        String password_file() default "";

        @AttributeDefinition(description = "The SMPP system_type, if the gateway wants one.")
        String system_type() default "";

        @AttributeDefinition(description = "The sender: an international number (+31...) or up to 11 letters and"
                + " digits.")
        String sender() default "";

        @AttributeDefinition(description = "The residents signed up for SMS: one 'longitude,latitude,+phone' a line;"
                + " relative to the config folder. Read again when it changes.")
        String contacts_file() default "";

        @AttributeDefinition(description = "Messages a second at most (the gateway's throughput).", min = "0.001")
        double rate_per_second() default 10;

        @AttributeDefinition(description = "Messages sent at once after a quiet spell.", min = "1")
        int burst() default 10;

        @AttributeDefinition(description = "Attempts per message before it is reported failed.", min = "1", max = "100")
        int attempts() default 5;

        @AttributeDefinition(description = "Wait before the first retry, in ms; doubles with each retry.", min = "1")
        long retry_first_ms() default 2_000;

        @AttributeDefinition(description = "Longest wait between retries, in ms.", min = "1")
        long retry_max_ms() default 300_000;

        @AttributeDefinition(description = "Connect, bind and response time limit, in ms.", min = "1")
        long timeout_ms() default 10_000;

        @AttributeDefinition(description = "How often an idle session is checked (enquire_link), in ms.", min = "1")
        int enquire_link_ms() default 30_000;

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
    /** Null when not configured, as is the gateway. */
    private final Channel channel;
    private final SmppGateway gateway;

    /** Reads the settings and the contacts, and starts the outbox; relative paths are in the config folder. */
    @Activate
    public SmsNotifier(Config config, BundleContext context,
            @Reference(name = "logger", service = LoggerFactory.class) Logger log) {
        this(config, configFolder(context), Clock.systemUTC(), log);
    }

    SmsNotifier(Config config, Path base, Clock clock, Logger log) {
        this.log = log;
        SmsSettings settings = SmsSettings.of(config, base);
        if (settings == null) {
            channel = null;
            gateway = null;
            log.info("SMS notifier not configured: set host, system.id, password.file, sender and contacts.file in"
                    + " {}.cfg; nothing is sent", PID);
            return;
        }
        DeliveryBook book = new DeliveryBook(true, this::changed);
        gateway = new SmppGateway(settings, settings.password(), book);
        channel = new Channel(new Channel.Settings(CHANNEL, settings.contactsFile(), SmppGateway::check,
                n -> n.subject() + "\n" + n.message()), book,
                b -> new Outbox(THREAD_NAME, gateway, settings.backoff(),
                        new RateLimiter(settings.perSecond(), settings.burst(), System::nanoTime), b,
                        settings.capacity(), log::warn),
                clock, log::warn);
        log.info("SMS notifier sends through {}:{} as {} from {} to {} resident(s) signed up", settings.host(),
                settings.port(), settings.systemId(), settings.sender(), channel.contacts());
    }

    /** Queues one SMS for each resident in the audience; returns before any is sent. */
    @Override
    public void deliver(Notification notification) {
        if (channel != null) {
            channel.deliver(notification);
        }
    }

    @Override
    public HealthStatus check() {
        return channel == null ? new HealthStatus(true, "not configured: no SMS gateway host set in " + PID + ".cfg")
                : channel.health();
    }

    /** What became of the notifications sent lately; empty when not configured. */
    public List<DeliveryBook.Outcome> outcomes() {
        return channel == null ? List.of() : channel.book().outcomes();
    }

    /**
     * Unbinds from the gateway (a send in progress fails at once rather than hold the outbox's thread) and stops the
     * outbox; messages still queued are reported not sent.
     */
    @Deactivate
    public void deactivate() throws InterruptedException {
        if (channel != null) {
            gateway.close();
            channel.close();
        }
    }

    /** Reports every change to the runtime, and logs each notification's outcome once it settles. */
    private void changed(DeliveryBook.Outcome outcome) {
        report(outcome);
        if (!outcome.settled(true)) {
            return;
        }
        if (outcome.failed() == 0) {
            log.info("SMS for notification {} from {}: {} resident(s), {} delivered", outcome.notificationId(),
                    outcome.source(), outcome.recipients(), outcome.delivered());
        } else {
            log.warn("SMS for notification {} from {}: {} resident(s), {} delivered, {} failed: {}",
                    outcome.notificationId(), outcome.source(), outcome.recipients(), outcome.delivered(),
                    outcome.failed(), String.join("; ", outcome.failures()));
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
