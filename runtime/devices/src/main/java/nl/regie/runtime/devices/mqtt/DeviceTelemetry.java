package nl.regie.runtime.devices.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.runtime.devices.senml.SenmlException;
import nl.regie.runtime.devices.senml.SenmlParser;
import nl.regie.runtime.devices.senml.SenmlRecord;

/**
 * Telemetry: a device's SenML pack into readings on the bus. The pack is parsed strictly ({@link SenmlParser}), each
 * record's name checked ({@link RecordNames}) and its time too: a record dated more than the
 * {@linkplain BridgeSettings#futureTolerance() tolerance} ahead of the runtime's clock is refused, so that a device
 * cannot pin an attribute in the city state with a reading no later one can replace. One bad record rejects the whole
 * pack, so nothing of it reaches the bus. A good pack becomes one reading per record, published as {@code mqtt:{d}},
 * with source {@code d}, received now, observed at the record's time and located where the device's birth said it is.
 */
final class DeviceTelemetry {

    private final SenmlParser parser;
    private final RecordNames names;
    private final Duration futureTolerance;
    private final DeviceBridge.ReadingSink sink;
    private final Rejections rejections;

    /**
     * @param futureTolerance how far ahead of now a record may be dated; null for any date
     */
    DeviceTelemetry(SenmlParser parser, RecordNames names, Duration futureTolerance, DeviceBridge.ReadingSink sink,
            Rejections rejections) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.names = Objects.requireNonNull(names, "names");
        this.futureTolerance = futureTolerance;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.rejections = Objects.requireNonNull(rejections, "rejections");
    }

    /** Publishes the readings of a pack the device sent on {@code topic}, or rejects the pack; whether it published. */
    boolean accept(DeviceStatus device, String topic, byte[] payload, Instant now) {
        Reading[] readings = read(device, topic, payload, now);
        if (readings != null) {
            publish(device, readings);
        }
        return readings != null;
    }

    /** The readings of a pack the device sent on {@code topic}, not yet published; null if the pack was rejected. */
    Reading[] read(DeviceStatus device, String topic, byte[] payload, Instant now) {
        List<SenmlRecord> records;
        try {
            records = parser.parse(payload, now);
        } catch (SenmlException e) {
            reject(device, topic, payload, "invalid SenML: " + e.getMessage(), now);
            return null;
        }
        Location location = device.location();
        Reading[] readings = new Reading[records.size()];
        for (int i = 0; i < readings.length; i++) {
            SenmlRecord record = records.get(i);
            RecordNames.Checked checked = names.check(device, record.name(), i);
            if (checked instanceof RecordNames.Refused refused) {
                reject(device, topic, payload, refused.problem(), now);
                return null;
            }
            RecordNames.Target target = (RecordNames.Target) checked;
            if (futureTolerance != null && record.time().isAfter(now.plus(futureTolerance))) {
                reject(device, topic, payload, ahead(i, record.time(), now), now);
                return null;
            }
            try {
                readings[i] = new Reading(target.entity(), target.attribute(), record.value(),
                        record.unit() == null ? "" : record.unit(), record.time(), now, device.id(), location);
            } catch (RuntimeException e) {
                reject(device, topic, payload, "record " + i + ": " + e.getMessage(), now);
                return null;
            }
        }
        return readings;
    }

    /** Publishes readings {@link #read} returned, as the device's, and counts the pack accepted. */
    void publish(DeviceStatus device, Reading[] readings) {
        for (Reading reading : readings) {
            sink.publish(device.publisher(), reading);
        }
        device.accepted(readings.length);
    }

    private String ahead(int index, Instant time, Instant now) {
        long seconds = Duration.between(now, time).getSeconds();
        return "record " + index + ": dated " + time + ", " + seconds + " s ahead of the runtime's clock (" + now
                + "); readings dated more than " + futureTolerance.getSeconds() + " s ahead are refused"
                + " (futureToleranceSeconds, configuration " + MqttBridgeComponent.PID + ")";
    }

    private void reject(DeviceStatus device, String topic, byte[] payload, String why, Instant now) {
        rejections.reject(device, Topics.Kind.TELEMETRY, topic, payload, why, now);
    }
}
