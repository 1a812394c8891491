package nl.regie.notifiers.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

import nl.regie.api.health.HealthStatus;
import nl.regie.api.notify.Notification;

/**
 * One notifier channel, in plain Java: takes a notification, picks the residents of its audience from the contacts
 * file, and queues one message each in the {@link Outbox}, never waiting for the gateway. The contacts are the
 * channel's own: they come from the file its party keeps, are read again when the file changes, and leave the channel
 * only to the gateway, in the message to that resident. Logs and records show them masked.
 */
public final class Channel implements AutoCloseable {

    /**
     * What a channel needs to know.
     *
     * @param name         what the channel is called in logs and health ({@code "e-mail"}, {@code "SMS"})
     * @param contactsFile the residents who signed up on this channel
     * @param addressCheck null when an address is fine for this channel, else what is wrong with it
     * @param text         the text of the message for a notification
     */
    public record Settings(String name, Path contactsFile, Function<String, String> addressCheck,
            Function<Notification, String> text) {
    }

    private final Settings settings;
    private final DeliveryBook book;
    private final Outbox outbox;
    private final Clock clock;
    private final Consumer<String> warn;
    private FileTime contactsRead;
    private List<Contact> contacts;
    private String contactsProblem;

    /**
     * Reads the contacts file and starts the outbox.
     *
     * @param outbox makes the outbox for the channel's book
     * @throws IllegalArgumentException naming the contacts file's first bad line, or that it cannot be read
     */
    public Channel(Settings settings, DeliveryBook book, Function<DeliveryBook, Outbox> outbox, Clock clock,
            Consumer<String> warn) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.book = Objects.requireNonNull(book, "book");
        this.clock = clock;
        this.warn = warn;
        reloadContacts();
        if (contacts == null) {
            throw new IllegalArgumentException(contactsProblem);
        }
        this.outbox = outbox.apply(book);
    }

    /** Queues one message for each resident in the notification's audience; never waits for the gateway. */
    public synchronized int deliver(Notification notification) {
        reloadContacts();
        List<Contact> recipients = contacts.stream().filter(c -> notification.audience().contains(c.home()))
                .toList();
        book.accepted(notification, clock.instant(), recipients.size());
        String text = settings.text().apply(notification);
        for (Contact contact : recipients) {
            outbox.offer(new Outbox.Message(notification.id(), contact, notification.subject(), text));
        }
        return recipients.size();
    }

    /** Healthy unless the gateway's last attempt failed with messages waiting, or the contacts file is refused. */
    public HealthStatus health() {
        Outbox.Status status = outbox.status();
        String problem;
        synchronized (this) {
            problem = contactsProblem;
        }
        if (status.failing()) {
            return HealthStatus.unhealthy(settings.name() + " gateway failing since " + status.lastFailureAt() + ", "
                    + status.waiting() + " message(s) waiting: " + status.lastFailure());
        }
        if (problem != null) {
            return HealthStatus.unhealthy(problem + "; the previous list of " + contacts.size() + " is used");
        }
        return new HealthStatus(true, contacts.size() + " resident(s) signed up for " + settings.name() + ", "
                + status.waiting() + " message(s) waiting");
    }

    /** The channel's delivery outcomes. */
    public DeliveryBook book() {
        return book;
    }

    /** The residents signed up now. */
    public synchronized int contacts() {
        return contacts.size();
    }

    @Override
    public void close() throws InterruptedException {
        outbox.close();
    }

    /** Reads the file when it changed; a bad file keeps the last good list and is reported once. */
    private synchronized void reloadContacts() {
        Path file = settings.contactsFile();
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(contactsRead)) {
                return;
            }
            contactsRead = modified;
            contacts = ContactFile.read(file, settings.addressCheck());
            contactsProblem = null;
        } catch (IOException e) {
            refused("contacts file " + file + " cannot be read: " + e);
        } catch (IllegalArgumentException e) {
            refused("contacts file refused: " + e.getMessage());
        }
    }

    private void refused(String problem) {
        if (!problem.equals(contactsProblem) && contacts != null) {
            warn.accept(problem + "; the previous list of " + contacts.size() + " resident(s) is used");
        }
        contactsProblem = problem;
    }
}
