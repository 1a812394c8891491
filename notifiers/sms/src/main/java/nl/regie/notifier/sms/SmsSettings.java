package nl.regie.notifier.sms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import nl.regie.notifiers.delivery.Backoff;

/**
 * The SMS notifier's settings, checked: every problem names its key.
 *
 * @param host              the SMS gateway (SMSC); empty when the notifier is not configured
 * @param port              its SMPP port
 * @param systemId          the SMPP login
 * @param passwordFile      the file holding the password (its first line)
 * @param systemType        the SMPP system type, often empty
 * @param sender            the source address: an international number or an alphanumeric name
 * @param contactsFile      the residents signed up for SMS
 * @param perSecond         messages a second at most
 * @param burst             messages at once after a quiet spell
 * @param backoff           attempts per message and the waits between them
 * @param timeoutMillis     connect, bind and response time limit
 * @param enquireLinkMillis how often the session is checked while idle
 * @param capacity          messages the outbox holds
 */
record SmsSettings(String host, int port, String systemId, Path passwordFile, String systemType, String sender,
        Path contactsFile, double perSecond, int burst, Backoff backoff, long timeoutMillis, int enquireLinkMillis,
        int capacity) {

    /** The settings of {@code config}, or null when no host is set; relative paths are resolved against {@code base}. */
    static SmsSettings of(SmsNotifier.Config config, Path base) {
        String host = config.host().strip();
        if (host.isEmpty()) {
            return null;
        }
        if (config.port() < 1 || config.port() > 65_535) {
            throw new IllegalArgumentException("port must be 1 to 65535, not " + config.port());
        }
        String systemId = config.system_id().strip();
        if (systemId.isEmpty() || systemId.length() > 15) {
            throw new IllegalArgumentException("system.id must be the SMPP login, 1 to 15 characters");
        }
        if (config.password_file().isBlank()) {
            throw new IllegalArgumentException("password.file must name the file holding the SMPP password of "
                    + systemId);
        }
        String sender = config.sender().strip();
        String problem = SmppGateway.checkSender(sender);
        if (problem != null) {
            throw new IllegalArgumentException("sender: " + problem + ", not '" + sender + "'");
        }
        if (config.contacts_file().isBlank()) {
            throw new IllegalArgumentException("contacts.file must name the file of residents signed up for SMS");
        }
        if (!(config.rate_per_second() > 0)) {
            throw new IllegalArgumentException("rate.per.second must be more than 0, not " + config.rate_per_second());
        }
        positive("burst", config.burst());
        positive("attempts", config.attempts());
        positive("timeout.ms", config.timeout_ms());
        positive("enquire.link.ms", config.enquire_link_ms());
        positive("outbox.capacity", config.outbox_capacity());
        Backoff backoff;
        try {
            backoff = new Backoff(Duration.ofMillis(config.retry_first_ms()), Duration.ofMillis(config.retry_max_ms()),
                    config.attempts());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("retry.first.ms, retry.max.ms: " + e.getMessage());
        }
        return new SmsSettings(host, config.port(), systemId, base.resolve(config.password_file().strip()),
                config.system_type().strip(), sender, base.resolve(config.contacts_file().strip()),
                config.rate_per_second(), config.burst(), backoff, config.timeout_ms(), config.enquire_link_ms(),
                config.outbox_capacity());
    }

    /** The password: the password file's first line. */
    String password() {
        try {
            String password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("")
                    .strip();
            if (password.length() > 8) {
                throw new IllegalArgumentException("password.file " + passwordFile
                        + ": an SMPP 3.4 password is at most 8 characters");
            }
            return password;
        } catch (IOException e) {
            throw new IllegalArgumentException("password.file " + passwordFile + " cannot be read: " + e);
        }
    }

    private static void positive(String key, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + value);
        }
    }
}
