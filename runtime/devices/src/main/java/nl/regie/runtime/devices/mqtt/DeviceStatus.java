package nl.regie.runtime.devices.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import nl.regie.api.model.EntityId;
import nl.regie.api.model.Location;
import nl.regie.runtime.spi.devices.DeviceSnapshot;

/**
 * The bridge's record of one device: presence, what its birth said, counters, last rejection. Thread-safe (every
 * method synchronizes on the instance; the MQTT callback thread, the presence check and HTTP readers share it).
 */
final class DeviceStatus {

    /** How much of a rejected payload is kept. */
    static final int MAX_KEPT_PAYLOAD_BYTES = DeviceSnapshot.MAX_KEPT_PAYLOAD_BYTES;

    /** Presence. */
    enum Presence {
        UNKNOWN, ONLINE, STALE, OFFLINE;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final String publisher;
    private final EntityId entity;
    /**
     * Record names already checked, and what they stand for: the first {@value #FIRST_NAMES} in an array, looked up by
     * {@code equals} (a name arrives as a fresh string in every pack, and comparing it with a few, most of which differ
     * in length, costs less than hashing it), any more in a map made when the ninth comes. Most devices send fewer, so
     * most have no map. Both are replaced or filled under the instance's lock and read without it.
     */
    private volatile Remembered[] first = new Remembered[0];
    private volatile Map<String, RecordNames.Target> more;

    private static final int FIRST_NAMES = 8;

    private record Remembered(String name, RecordNames.Target target) {
    }

    private Presence presence = Presence.UNKNOWN;
    private Instant stateSince;
    private Instant lastSeen;
    private String type;
    private List<EntityId> birthEntities = List.of();
    private Location location;
    private Duration interval;

    private long telemetryAccepted;
    private long telemetryRejected;
    private long readingsPublished;
    private long stateMessages;
    private long stateRejected;
    private long commandsSent;
    private long acksAccepted;
    private long acksRejected;
    private long acksLate;
    private long acksDuplicate;
    private DeviceSnapshot.Rejection lastRejection;

    private Instant lastLogged;
    private long suppressedLogs;

    /** When staleness is counted from for a device restored online: the restart (it could not be heard before). */
    private Instant silentFrom;
    /** Raised by every change, so the state folder knows what to write ({@link DeviceFiles}). */
    private long version;

    DeviceStatus(String id) {
        this.id = id;
        this.publisher = "mqtt:" + id;
        this.entity = EntityId.of("Device", id);
    }

    String id() {
        return id;
    }

    /** The publisher name of its readings on the bus. */
    String publisher() {
        return publisher;
    }

    /** Its own entity, {@code urn:ngsi-ld:Device:{d}}. */
    EntityId entity() {
        return entity;
    }

    /** What a record name checked before stands for, or null. */
    RecordNames.Target target(String name) {
        for (Remembered remembered : first) {
            if (remembered.name().equals(name)) {
                return remembered.target();
            }
        }
        Map<String, RecordNames.Target> others = more;
        return others == null ? null : others.get(name);
    }

    /** Remembers what a checked record name stands for; returns whether it was new. */
    synchronized boolean remember(String name, RecordNames.Target target) {
        if (target(name) != null) {
            return false;
        }
        Remembered[] now = first;
        if (now.length < FIRST_NAMES) {
            Remembered[] grown = Arrays.copyOf(now, now.length + 1);
            grown[now.length] = new Remembered(name, target);
            first = grown;
            return true;
        }
        if (more == null) {
            more = new ConcurrentHashMap<>();
        }
        more.put(name, target);
        return true;
    }

    synchronized Location location() {
        return location;
    }

    synchronized Presence presence() {
        return presence;
    }

    /**
     * A message arrived from the device: it is alive. Returns true if this made it online (it was unknown,
     * stale or offline), so the caller announces that.
     */
    synchronized boolean seen(Instant now) {
        version++;
        lastSeen = now;
        if (presence != Presence.ONLINE) {
            presence = Presence.ONLINE;
            stateSince = now;
            return true;
        }
        return false;
    }

    /** A birth: online, with what it announced. */
    synchronized void birth(Instant now, String birthType, List<EntityId> entities, Location at, Duration every) {
        version++;
        lastSeen = now;
        if (presence != Presence.ONLINE) {
            presence = Presence.ONLINE;
            stateSince = now;
        }
        type = birthType;
        birthEntities = List.copyOf(entities);
        if (at != null) {
            location = at;
        }
        interval = every;
        stateMessages++;
    }

    /** The will or a goodbye: offline. */
    synchronized void offline(Instant now) {
        version++;
        lastSeen = now;
        if (presence != Presence.OFFLINE) {
            presence = Presence.OFFLINE;
            stateSince = now;
        }
        stateMessages++;
    }

    /**
     * Marks an online device stale when it has been silent longer than its interval times the factor.
     * Returns true if it did.
     */
    synchronized boolean markStaleIfSilent(Instant now, double staleFactor, Duration defaultInterval) {
        if (presence != Presence.ONLINE || lastSeen == null) {
            return false;
        }
        Duration every = interval != null ? interval : defaultInterval;
        long allowedMillis = (long) Math.ceil(every.toMillis() * staleFactor);
        Instant heard = silentFrom != null && silentFrom.isAfter(lastSeen) ? silentFrom : lastSeen;
        if (Duration.between(heard, now).toMillis() > allowedMillis) {
            presence = Presence.STALE;
            stateSince = now;
            version++;
            return true;
        }
        return false;
    }

    synchronized void accepted(int readings) {
        version++;
        telemetryAccepted++;
        readingsPublished += readings;
    }

    synchronized void published(int readings) {
        version++;
        readingsPublished += readings;
    }

    synchronized void commandSent() {
        version++;
        commandsSent++;
    }

    synchronized void ackAccepted() {
        version++;
        acksAccepted++;
    }

    synchronized void ackLate() {
        version++;
        acksLate++;
    }

    synchronized void ackDuplicate() {
        version++;
        acksDuplicate++;
    }

    /**
     * Records a rejected message and decides whether to log it: at most one line a minute per device. Returns
     * -1 if this rejection must not be logged, else the number of rejections not logged since the last line.
     */
    synchronized long rejected(Topics.Kind kind, Instant now, String topic, String reason, byte[] payload) {
        version++;
        switch (kind) {
            case TELEMETRY -> telemetryRejected++;
            case STATE -> stateRejected++;
            case ACK -> acksRejected++;
            default -> throw new IllegalArgumentException(kind.name());
        }
        lastRejection = new DeviceSnapshot.Rejection(now, topic, reason, text(payload), payload.length);
        if (lastLogged == null || !now.isBefore(lastLogged.plusSeconds(60))) {
            lastLogged = now;
            long suppressed = suppressedLogs;
            suppressedLogs = 0;
            return suppressed;
        }
        suppressedLogs++;
        return -1;
    }

    synchronized DeviceSnapshot snapshot(Set<EntityId> assigned, Duration defaultInterval) {
        Set<EntityId> entities = new LinkedHashSet<>(birthEntities);
        entities.addAll(assigned);
        return new DeviceSnapshot(id, presence.text(), stateSince, lastSeen, type, new ArrayList<>(entities), location,
                (interval != null ? interval : defaultInterval).toSeconds(),
                new DeviceSnapshot.Counts(telemetryAccepted, telemetryRejected, readingsPublished, stateMessages,
                        stateRejected, commandsSent, acksAccepted, acksRejected, acksLate, acksDuplicate),
                lastRejection);
    }

    // ---------------------------------------------------------------------------------------------- kept on disk

    /**
     * What the state folder keeps of a device: everything {@link #snapshot} shows but the registry's assignments.
     *
     * @param intervalMillis the interval its birth announced, or -1
     */
    record Saved(String id, Presence presence, Instant stateSince, Instant lastSeen, String type,
            List<EntityId> birthEntities, Location location, long intervalMillis, DeviceSnapshot.Counts counts,
            DeviceSnapshot.Rejection lastRejection) {
    }

    synchronized long version() {
        return version;
    }

    synchronized Saved saved() {
        return new Saved(id, presence, stateSince, lastSeen, type, birthEntities, location,
                interval == null ? -1 : interval.toMillis(),
                new DeviceSnapshot.Counts(telemetryAccepted, telemetryRejected, readingsPublished, stateMessages,
                        stateRejected, commandsSent, acksAccepted, acksRejected, acksLate, acksDuplicate),
                lastRejection);
    }

    /**
     * Puts back what the state folder kept, at a restart at {@code restoredAt}. A device restored online counts its
     * silence from the restart, so it goes stale by the usual rule if it does not report again.
     */
    synchronized void restore(Saved saved, Instant restoredAt) {
        presence = saved.presence();
        stateSince = saved.stateSince();
        lastSeen = saved.lastSeen();
        type = saved.type();
        birthEntities = List.copyOf(saved.birthEntities());
        location = saved.location();
        interval = saved.intervalMillis() < 0 ? null : Duration.ofMillis(saved.intervalMillis());
        DeviceSnapshot.Counts c = saved.counts();
        telemetryAccepted = c.telemetryAccepted();
        telemetryRejected = c.telemetryRejected();
        readingsPublished = c.readingsPublished();
        stateMessages = c.stateMessages();
        stateRejected = c.stateRejected();
        commandsSent = c.commandsSent();
        acksAccepted = c.acksAccepted();
        acksRejected = c.acksRejected();
        acksLate = c.acksLate();
        acksDuplicate = c.acksDuplicate();
        lastRejection = saved.lastRejection();
        silentFrom = restoredAt;
    }

    /** The beginning of a payload as text, malformed UTF-8 replaced. */
    static String text(byte[] payload) {
        int length = Math.min(payload.length, MAX_KEPT_PAYLOAD_BYTES);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(payload, 0, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(payload, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
