package nl.regie.runtime.pub.cap;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;

/**
 * The public alerts as CAP 1.2 messages, issued as each alert lives: an alert the operator marks public (by category,
 * or category/subCategory) gets an {@code Alert} message when it is raised, an {@code Update} when what residents are
 * told changes (severity, urgency, area or instruction: a new description alone is no new message), and a
 * {@code Cancel} when it is resolved, each referring to the earlier ones. An issued message never changes. An alert
 * with no area (no location and no audience) is refused: no message, the reason kept and counted, a warning once per
 * alert version. An ended alert's messages are kept for {@link #endedKept} after its Cancel was issued, then
 * forgotten. Plain Java, thread-safe; what it issues and forgets goes to its {@link Journal} (see {@link CapFiles}),
 * so a restart on the same files issues nothing again.
 */
public final class CapFeed {

    /** The most messages kept; the oldest go first. */
    static final int MAX_MESSAGES = 1_000;
    /** The most earlier messages one message refers to. */
    static final int MAX_REFERENCES = 20;

    /** The CAP categories of Smart Data Models alert sub-categories and categories; the rest are {@code Other}. */
    private static final Map<String, String> CATEGORIES = Map.of("flood", "Met", "weather", "Met", "fire", "Fire",
            "traffic", "Transport", "health", "Health", "security", "Security", "environment", "Env",
            "naturalDisaster", "Geo");

    /** Where the feed records what it issues and forgets, under its lock. */
    public interface Journal {
        /** A message was issued at {@code issuedAt} (the feed's clock). */
        void issued(Issued issued);

        /** Every message of the alert with this key was forgotten. */
        void forgotten(String alertKey);

        /** Records nothing: the feed lives in memory only. */
        Journal NONE = new Journal() {
            @Override
            public void issued(Issued issued) {
            }

            @Override
            public void forgotten(String alertKey) {
            }
        };
    }

    /**
     * A message and when this feed issued it.
     *
     * @param message  the message
     * @param issuedAt when it was issued, by the feed's clock (what {@link #endedKept} counts from)
     */
    public record Issued(CapMessage message, Instant issuedAt) {
        /** Checks that both are given. */
        public Issued {
            Objects.requireNonNull(message, "message is required");
            Objects.requireNonNull(issuedAt, "issuedAt is required");
        }
    }

    private final String site;
    private final Clock clock;
    private volatile String sender;
    private volatile Set<String> publicCategories;
    private volatile Duration endedKept;
    private final Function<Alert, Optional<CapMessage.Area>> areas;
    private final Function<Alert, String> instructions;
    private final Consumer<String> warn;
    private Journal journal = Journal.NONE;
    /** Every message kept, by identifier, in the order issued. */
    private final LinkedHashMap<String, Issued> messages = new LinkedHashMap<>();
    /** Per alert key, its latest message. */
    private final Map<String, Issued> latest = new HashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong issued = new AtomicLong();

    /**
     * A feed.
     *
     * @param sender           the CAP sender (no spaces, commas, {@code <} or {@code &})
     * @param site             the site, part of every identifier
     * @param publicCategories the alerts that are public: {@code category} or {@code category/subCategory}
     * @param endedKept        how long an ended alert's messages stay after its Cancel, more than 0
     * @param areas            the area of an alert, or empty when it has none
     * @param instructions     what residents should do, or ""
     * @param warn             told why an alert is refused, once per alert version
     * @param clock            when messages are issued, and when ended alerts are forgotten
     */
    public CapFeed(String sender, String site, Set<String> publicCategories, Duration endedKept,
            Function<Alert, Optional<CapMessage.Area>> areas, Function<Alert, String> instructions,
            Consumer<String> warn, Clock clock) {
        this.site = site;
        this.clock = clock;
        configure(sender, publicCategories, endedKept);
        this.areas = areas;
        this.instructions = instructions;
        this.warn = warn;
    }

    /**
     * Changes the sender, the public categories and how long ended alerts are kept; the messages kept stay.
     *
     * @throws IllegalArgumentException naming what CAP forbids in the sender, or a time kept that is not positive;
     *                                  nothing changes then
     */
    public void configure(String sender, Set<String> publicCategories, Duration endedKept) {
        String problem = CapText.idProblem("sender", sender);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (endedKept.isNegative() || endedKept.isZero()) {
            throw new IllegalArgumentException("ended alerts must be kept for more than 0, not " + endedKept);
        }
        this.sender = sender;
        this.publicCategories = Set.copyOf(publicCategories);
        this.endedKept = endedKept;
    }

    /** Records from now on what is issued and forgotten; {@link #restore} what the journal held first. */
    public synchronized void journal(Journal journal) {
        this.journal = Objects.requireNonNull(journal);
    }

    /** Puts back a message a journal holds, as it was issued, without recording it again. */
    public synchronized void restore(Issued message) {
        keep(message);
    }

    /** Forgets an alert's messages, as a journal recorded; without recording it again. */
    public synchronized void restoreForgotten(String alertKey) {
        forgetMessages(alertKey);
    }

    /** Forgets everything restored so far (a damaged snapshot; another will be read). */
    public synchronized void clear() {
        messages.clear();
        latest.clear();
    }

    /** Every message kept, in the order issued (what a snapshot holds). */
    public synchronized List<Issued> all() {
        return List.copyOf(messages.values());
    }

    /** Whether the operator marked an alert public. */
    public boolean isPublic(Alert alert) {
        return publicCategories.contains(alert.category())
                || publicCategories.contains(alert.category() + "/" + alert.subCategory());
    }

    /** Takes in alerts as they are now: a message for each public one whose public side changed. */
    public synchronized void observe(List<Alert> alerts) {
        for (Alert alert : alerts) {
            observe(alert);
        }
    }

    /**
     * Takes in an alert as it is now (raised, changed or resolved): the message it needs, if any.
     *
     * @return the message issued, or empty when none was needed (not public, unchanged, or refused)
     */
    public synchronized Optional<CapMessage> observe(Alert alert) {
        forgetEnded();
        if (!isPublic(alert)) {
            return Optional.empty();
        }
        Issued last = latest.get(alert.key());
        if (last != null && !last.message().effective().equals(alert.validFrom())) {
            if (!alert.active()) {
                return Optional.empty(); // a later episode of the key, resolved before it was published
            }
            last = null; // raised again after it ended: a new alert
        }
        if (last != null && last.message().msgType().equals("Cancel")) {
            return Optional.empty();
        }
        if (last == null && !alert.active()) {
            return Optional.empty(); // resolved before it was ever published: nothing to cancel
        }
        Instant version = alert.active() ? alert.updatedAt() : alert.validTo();
        Optional<CapMessage.Area> area = areas.apply(alert);
        if (area.isEmpty() && last != null && !alert.active()) {
            area = Optional.of(last.message().area()); // the Cancel is for where the warning was
        }
        if (area.isEmpty()) {
            String reason = "alert " + alert.key() + " (" + alert.category() + ") has no area: no location and no"
                    + " audience, so it is not published as CAP";
            if (!reason.equals(refused.put(alert.key() + " " + version, reason))) {
                refusals.incrementAndGet();
                warn.accept(reason);
            }
            return Optional.empty();
        }
        String msgType = last == null ? "Alert" : alert.active() ? "Update" : "Cancel";
        List<String> references = new ArrayList<>();
        if (last != null) {
            references.addAll(last.message().references());
            references.add(reference(last.message()));
        }
        CapMessage message = new CapMessage(identifier(alert.key(), version), sender, version, msgType,
                references.subList(Math.max(0, references.size() - MAX_REFERENCES), references.size()),
                alert.key(), category(alert), event(alert), alert.active() ? urgency(alert.severity()) : "Past",
                alert.active() ? severity(alert.severity()) : "Minor", "Observed", headline(alert, msgType),
                alert.description(), alert.active() ? instructions.apply(alert) : "", alert.validFrom(),
                alert.validTo(), area.get());
        if (last != null && msgType.equals("Update") && sameForResidents(last.message(), message)) {
            return Optional.empty();
        }
        Issued made = new Issued(message, clock.instant());
        keep(made);
        journal.issued(made);
        issued.incrementAndGet();
        return Optional.of(message);
    }

    /** Whether an update would tell residents nothing new: the same severity, urgency, area and instruction. */
    private static boolean sameForResidents(CapMessage before, CapMessage now) {
        return before.severity().equals(now.severity()) && before.urgency().equals(now.urgency())
                && before.area().equals(now.area()) && before.instruction().equals(now.instruction());
    }

    /** {@code regie-{site}-{key}-{epoch millis}}, made unique should two changes share a millisecond. */
    private String identifier(String key, Instant version) {
        String base = "regie-" + site + "-" + key + "-" + version.toEpochMilli();
        String identifier = base;
        for (int n = 2; messages.containsKey(identifier); n++) {
            identifier = base + "." + n;
        }
        return identifier;
    }

    private void keep(Issued made) {
        CapMessage message = made.message();
        messages.put(message.identifier(), made);
        latest.put(message.alertKey(), made);
        while (messages.size() > MAX_MESSAGES) {
            Iterator<Issued> oldest = messages.values().iterator();
            CapMessage gone = oldest.next().message();
            oldest.remove();
            Issued newest = latest.get(gone.alertKey());
            if (newest != null && newest.message().identifier().equals(gone.identifier())) {
                latest.remove(gone.alertKey());
            }
        }
    }

    /** Forgets the alerts whose Cancel was issued more than {@link #endedKept} ago, and records it. */
    private void forgetEnded() {
        Instant before = clock.instant().minus(endedKept);
        List<String> ended = new ArrayList<>();
        latest.forEach((key, last) -> {
            if (last.message().msgType().equals("Cancel") && last.issuedAt().isBefore(before)) {
                ended.add(key);
            }
        });
        for (String key : ended) {
            forgetMessages(key);
            journal.forgotten(key);
        }
    }

    private void forgetMessages(String alertKey) {
        latest.remove(alertKey);
        messages.values().removeIf(m -> m.message().alertKey().equals(alertKey));
    }

    /** How a message is referred to: {@code sender,identifier,sent}. */
    static String reference(CapMessage message) {
        return message.sender() + "," + message.identifier() + "," + CapText.time(message.sent());
    }

    /** One message by its identifier, if still kept. */
    public synchronized Optional<CapMessage> message(String identifier) {
        forgetEnded();
        return Optional.ofNullable(messages.get(identifier)).map(Issued::message);
    }

    /** The latest message of each alert, newest first, at most {@code limit}. */
    public synchronized List<CapMessage> latest(int limit) {
        forgetEnded();
        return latest.values().stream().map(Issued::message).sorted(Comparator.comparing(CapMessage::sent).reversed())
                .limit(limit).toList();
    }

    /** Messages issued by this feed since it was made (not those restored). */
    public long issued() {
        return issued.get();
    }

    /** Alerts refused as CAP so far, once per alert version. */
    public long refusals() {
        return refusals.get();
    }

    /** Why alerts were refused, by alert key and version; the newest {@code limit}. */
    public synchronized List<String> refusedReasons(int limit) {
        List<String> reasons = new ArrayList<>(refused.values());
        return reasons.subList(Math.max(0, reasons.size() - limit), reasons.size());
    }

    private static String category(Alert alert) {
        return CATEGORIES.getOrDefault(alert.subCategory(), CATEGORIES.getOrDefault(alert.category(), "Other"));
    }

    private static String event(Alert alert) {
        return alert.subCategory().isEmpty() ? alert.category() : alert.subCategory();
    }

    private static String headline(Alert alert, String msgType) {
        String what = event(alert);
        return msgType.equals("Cancel") ? "Ended: " + what + " (" + alert.key() + ")"
                : alert.severity().modelName() + " " + what + " alert (" + alert.key() + ")";
    }

    /** CAP urgency of an alert's severity: a critical alert needs action now, a high one soon. */
    static String urgency(AlertSeverity severity) {
        return switch (severity) {
            case CRITICAL -> "Immediate";
            case HIGH -> "Expected";
            default -> "Future";
        };
    }

    /** CAP severity of an alert's severity. */
    static String severity(AlertSeverity severity) {
        return switch (severity) {
            case CRITICAL -> "Extreme";
            case HIGH -> "Severe";
            case MEDIUM -> "Moderate";
            case LOW, INFORMATIONAL -> "Minor";
        };
    }
}
