package nl.regie.runtime.pub.cap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import nl.regie.api.alert.Alert;
import nl.regie.api.alert.AlertSeverity;

/**
 * The public alerts as CAP 1.2 messages: each alert the operator marks public (by category, or category/subCategory)
 * gets an {@code Alert} message when first seen, an {@code Update} each time it changes and a {@code Cancel} when it is
 * resolved, each referring to the earlier ones. An alert with no area (no location and no audience) is refused: no
 * message, the reason kept and counted, a warning once per alert version. Plain Java, thread-safe; the messages are
 * kept in memory, at most {@value #MAX_MESSAGES}.
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

    private final String site;
    private volatile String sender;
    private volatile Set<String> publicCategories;
    private final Function<Alert, Optional<CapMessage.Area>> areas;
    private final Function<Alert, String> instructions;
    private final Consumer<String> warn;
    private final LinkedHashMap<String, CapMessage> messages = new LinkedHashMap<>();
    /** Per alert key: its messages' references, oldest first, and the version last seen. */
    private final Map<String, Track> tracks = new HashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();
    private final AtomicLong refusals = new AtomicLong();

    private static final class Track {
        final List<String> references = new ArrayList<>();
        Instant seen;
        boolean cancelled;
    }

    /**
     * A feed.
     *
     * @param sender           the CAP sender (no spaces, commas, {@code <} or {@code &})
     * @param site             the site, part of every identifier
     * @param publicCategories the alerts that are public: {@code category} or {@code category/subCategory}
     * @param areas            the area of an alert, or empty when it has none
     * @param instructions     what residents should do, or ""
     * @param warn             told why an alert is refused, once per alert version
     */
    public CapFeed(String sender, String site, Set<String> publicCategories,
            Function<Alert, Optional<CapMessage.Area>> areas, Function<Alert, String> instructions,
            Consumer<String> warn) {
        this.site = site;
        configure(sender, publicCategories);
        this.areas = areas;
        this.instructions = instructions;
        this.warn = warn;
    }

    /**
     * Changes the sender and the public categories; the messages kept and each alert's references stay.
     *
     * @throws IllegalArgumentException naming what CAP forbids in the sender; nothing changes then
     */
    public void configure(String sender, Set<String> publicCategories) {
        String problem = CapText.idProblem("sender", sender);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.sender = sender;
        this.publicCategories = Set.copyOf(publicCategories);
    }

    /** Whether the operator marked an alert public. */
    public boolean isPublic(Alert alert) {
        return publicCategories.contains(alert.category())
                || publicCategories.contains(alert.category() + "/" + alert.subCategory());
    }

    /** Takes in the alerts as they are now (active and recently resolved): a message for each public one that changed. */
    public synchronized void observe(List<Alert> alerts) {
        for (Alert alert : alerts) {
            if (isPublic(alert)) {
                observe(alert);
            }
        }
    }

    private void observe(Alert alert) {
        String sender = this.sender;
        Track track = tracks.get(alert.key());
        Instant version = alert.active() ? alert.updatedAt() : alert.validTo();
        if (track != null && (track.cancelled || version.equals(track.seen))) {
            return;
        }
        if (track == null && !alert.active()) {
            return; // resolved before it was ever published: nothing to cancel
        }
        Optional<CapMessage.Area> area = areas.apply(alert);
        if (area.isEmpty()) {
            String reason = "alert " + alert.key() + " (" + alert.category() + ") has no area: no location and no"
                    + " audience, so it is not published as CAP";
            if (!reason.equals(refused.put(alert.key() + " " + version, reason))) {
                refusals.incrementAndGet();
                warn.accept(reason);
            }
            return;
        }
        if (track == null) {
            track = new Track();
            tracks.put(alert.key(), track);
        }
        String msgType = track.references.isEmpty() ? "Alert" : alert.active() ? "Update" : "Cancel";
        String identifier = "regie-" + site + "-" + alert.key() + "-" + version.toEpochMilli();
        CapMessage message = new CapMessage(identifier, sender, version, msgType,
                track.references.subList(Math.max(0, track.references.size() - MAX_REFERENCES),
                        track.references.size()),
                alert.key(), category(alert), event(alert), alert.active() ? urgency(alert.severity()) : "Past",
                alert.active() ? severity(alert.severity()) : "Minor", "Observed", headline(alert, msgType),
                alert.description(), alert.active() ? instructions.apply(alert) : "", alert.validFrom(),
                alert.validTo(), area.get());
        track.references.add(sender + "," + identifier + "," + CapText.time(version));
        track.seen = version;
        track.cancelled = !alert.active();
        messages.put(identifier, message);
        while (messages.size() > MAX_MESSAGES) {
            messages.remove(messages.keySet().iterator().next());
        }
    }

    /** One message by its identifier, if still kept. */
    public synchronized Optional<CapMessage> message(String identifier) {
        return Optional.ofNullable(messages.get(identifier));
    }

    /** The latest message of each alert, newest first, at most {@code limit}. */
    public synchronized List<CapMessage> latest(int limit) {
        Map<String, CapMessage> byAlert = new LinkedHashMap<>();
        messages.values().forEach(m -> byAlert.put(m.alertKey(), m));
        return byAlert.values().stream().sorted(Comparator.comparing(CapMessage::sent).reversed()).limit(limit)
                .toList();
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
