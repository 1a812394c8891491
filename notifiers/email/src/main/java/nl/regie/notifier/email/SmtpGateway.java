package nl.regie.notifier.email;

import java.util.Properties;

import nl.regie.notifiers.delivery.Outbox;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Hands messages to an SMTP server with Jakarta Mail (Eclipse Angus): one connection per message, with the
 * configured time limits, STARTTLS when asked for, and the login when a user name is set. A server that is down or
 * refuses (a bad login, a refused sender or recipient) throws, with the server's answer as the reason.
 */
final class SmtpGateway implements Outbox.Gateway {

    private final Session session;
    private final InternetAddress from;
    private final String username;
    private final String password;

    SmtpGateway(EmailSettings settings, String password) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", "smtp");
        properties.setProperty("mail.smtp.host", settings.host());
        properties.setProperty("mail.smtp.port", Integer.toString(settings.port()));
        properties.setProperty("mail.smtp.connectiontimeout", Long.toString(settings.timeoutMillis()));
        properties.setProperty("mail.smtp.timeout", Long.toString(settings.timeoutMillis()));
        properties.setProperty("mail.smtp.writetimeout", Long.toString(settings.timeoutMillis()));
        properties.setProperty("mail.smtp.auth", Boolean.toString(!settings.username().isEmpty()));
        properties.setProperty("mail.smtp.starttls.enable", Boolean.toString(settings.starttls()));
        properties.setProperty("mail.smtp.starttls.required", Boolean.toString(settings.starttls()));
        this.session = inBundle(() -> Session.getInstance(properties));
        this.from = new InternetAddress(settings.from(), true);
        this.username = settings.username();
        this.password = password;
    }

    @Override
    public String send(Outbox.Message message) throws MessagingException {
        return inBundle(() -> {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(from);
            mail.setRecipient(RecipientType.TO, new InternetAddress(message.to().address(), true));
            mail.setSubject(message.subject(), "UTF-8");
            mail.setText(message.text(), "UTF-8");
            mail.saveChanges();
            if (username.isEmpty()) {
                Transport.send(mail);
            } else {
                Transport.send(mail, username, password);
            }
            return mail.getMessageID();
        });
    }

    /** What is wrong with an e-mail address, or null when it is fine (RFC 822 syntax, as Jakarta Mail checks it). */
    static String check(String address) {
        if (address.indexOf('@') < 1) {
            return "an e-mail address needs an @";
        }
        try {
            new InternetAddress(address, true).validate();
            return null;
        } catch (MessagingException e) {
            return "not an e-mail address";
        }
    }

    private interface MailAction<T> {
        T run() throws MessagingException;
    }

    /** Runs with this bundle's class loader as the context class loader: Jakarta Mail finds its providers by it. */
    private static <T> T inBundle(MailAction<T> action) throws MessagingException {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(SmtpGateway.class.getClassLoader());
        try {
            return action.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
