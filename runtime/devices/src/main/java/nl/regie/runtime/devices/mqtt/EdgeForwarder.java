package nl.regie.runtime.devices.mqtt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import nl.regie.api.model.Reading;
import nl.regie.runtime.devices.senml.SenmlParser;
import nl.regie.runtime.spi.audit.AuditLog;

import org.osgi.service.log.Logger;

/**
 * What an edge runtime does with a device's message: the same strict checks as the device bridge's telemetry
 * ({@link DeviceTelemetry}: SenML by the RFC, record names against the registry, the future tolerance), and for a pack
 * that passes, the {@link EdgeWire} message that carries its readings to the core. Plain Java; nothing here publishes
 * or keeps state beyond counters and the bounded count of refused device ids.
 *
 * <p>An edge keeps no devices: it sees only its share of each device's messages, so presence (births, wills,
 * staleness), commands and acknowledgements stay with the core. A message on any other topic than telemetry is
 * refused (an edge subscribes to telemetry only).
 */
final class EdgeForwarder {

    /**
     * A pack to forward.
     *
     * @param topic    the edge topic of its device
     * @param payload  the edge wire payload
     * @param readings how many readings it carries
     */
    record Forward(String topic, byte[] payload, int readings) {
    }

    private final Topics topics;
    private final EdgeWire wire;
    private final Clock clock;
    private final DeviceTelemetry telemetry;
    private final UnknownDeviceIds refusedIds;
    private final LongAdder packs = new LongAdder();
    private final LongAdder readings = new LongAdder();
    private final LongAdder refused = new LongAdder();

    EdgeForwarder(BridgeSettings settings, Clock clock, Logger log, AuditLog audit) {
        this.topics = new Topics(settings.site());
        this.wire = new EdgeWire(settings.site());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refusedIds = new UnknownDeviceIds(settings.maxUnknownDevices(), log);
        Rejections rejections = new Rejections(log, audit, device -> false, refusedIds);
        this.telemetry = new DeviceTelemetry(new SenmlParser(settings.senmlLimits()), new RecordNames(settings.registry()),
                settings.futureTolerance(), (publisher, reading) -> {
                    throw new IllegalStateException("an edge publishes nothing on a bus");
                }, rejections);
    }

    /** The filter an edge subscribes to, without the shared subscription's prefix. */
    String telemetryFilter() {
        return topics.filters().get(0);
    }

    /**
     * Checks a message from a device; the message to forward, or null when it is refused (counted, and logged at most
     * once a minute for all refused devices together). Never throws.
     */
    Forward accept(String topic, byte[] payload) {
        Instant now = clock.instant();
        Topics.Parsed parsed;
        try {
            parsed = topics.parse(topic);
        } catch (IllegalArgumentException e) {
            refused.increment();
            refusedIds.refused("(none)", Topics.Kind.TELEMETRY, topic, e.getMessage(), now);
            return null;
        }
        if (parsed.kind() != Topics.Kind.TELEMETRY) {
            refused.increment();
            refusedIds.refused(parsed.device(), parsed.kind(), topic, "an edge takes telemetry only", now);
            return null;
        }
        Reading[] read;
        try {
            read = telemetry.read(new DeviceStatus(parsed.device()), topic, payload, now);
        } catch (RuntimeException e) {
            read = null;
            refusedIds.refused(parsed.device(), Topics.Kind.TELEMETRY, topic, "internal error: " + e, now);
        }
        if (read == null) {
            refused.increment();
            return null;
        }
        packs.increment();
        readings.add(read.length);
        return new Forward(wire.topic(parsed.device()), wire.encode(packId(parsed.device(), payload), read),
                read.length);
    }

    /** The id of a device's pack: the device and the first 128 bits of the SHA-256 of its bytes. */
    static String packId(String device, byte[] payload) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha.update(device.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        byte[] digest = sha.digest(payload);
        return device + "-" + HexFormat.of().formatHex(digest, 0, 16);
    }

    /** Packs accepted. */
    long packs() {
        return packs.sum();
    }

    /** Readings in the packs accepted. */
    long readings() {
        return readings.sum();
    }

    /** Messages refused. */
    long refused() {
        return refused.sum();
    }
}
