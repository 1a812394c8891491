package nl.regie.notifier.email;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import nl.regie.notifiers.delivery.Backoff;

/**
 * The e-mail notifier's settings, checked: every problem names its key.
 *
 * @param host          the SMTP server; empty when the notifier is not configured
 * @param port          its port
 * @param starttls      whether STARTTLS is required
 * @param username      the login, empty for none
 * @param passwordFile  the file holding the password (its first line), or null without a login
 * @param from          the sender address
 * @param contactsFile  the residents signed up for e-mail
 * @param perSecond     messages a second at most
 * @param burst         messages at once after a quiet spell
 * @param backoff       attempts per message and the waits between them
 * @param timeoutMillis connect, read and write time limit
 * @param capacity      messages the outbox holds
 */
record EmailSettings(String host, int port, boolean starttls, String username, Path passwordFile, String from,
        Path contactsFile, double perSecond, int burst, Backoff backoff, long timeoutMillis, int capacity) {

    /** The settings of {@code config}; relative paths are resolved against {@code base}. */
    static EmailSettings of(EmailNotifier.Config config, Path base) {
        String host = config.host().strip();
        if (host.isEmpty()) {
            return null;
        }
        if (config.port() < 1 || config.port() > 65_535) {
            throw new IllegalArgumentException("port must be 1 to 65535, not " + config.port());
        }
        String problem = SmtpGateway.check(config.from().strip());
        if (config.from().isBlank() || problem != null) {
            throw new IllegalArgumentException("from must be the sender's e-mail address"
                    + (config.from().isBlank() ? ", and is empty" : ": " + problem));
        }
        if (config.contacts_file().isBlank()) {
            throw new IllegalArgumentException("contacts.file must name the file of residents signed up for e-mail");
        }
        String username = config.username().strip();
        if (!username.isEmpty() && config.password_file().isBlank()) {
            throw new IllegalArgumentException("password.file must name the file holding the password of user "
                    + username);
        }
        if (!(config.rate_per_second() > 0)) {
            throw new IllegalArgumentException("rate.per.second must be more than 0, not " + config.rate_per_second());
        }
        positive("burst", config.burst());
        positive("attempts", config.attempts());
        positive("timeout.ms", config.timeout_ms());
        positive("outbox.capacity", config.outbox_capacity());
        Backoff backoff;
        try {
            backoff = new Backoff(Duration.ofMillis(config.retry_first_ms()), Duration.ofMillis(config.retry_max_ms()),
                    config.attempts());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("retry.first.ms, retry.max.ms: " + e.getMessage());
        }
        Path passwordFile = username.isEmpty() ? null : base.resolve(config.password_file().strip());
        return new EmailSettings(host, config.port(), config.starttls(), username, passwordFile, config.from().strip(),
                base.resolve(config.contacts_file().strip()), config.rate_per_second(), config.burst(), backoff,
                config.timeout_ms(), config.outbox_capacity());
    }

    /** The password: the password file's first line; empty without a login. */
    String password() {
        if (passwordFile == null) {
            return "";
        }
        try {
            return Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
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
