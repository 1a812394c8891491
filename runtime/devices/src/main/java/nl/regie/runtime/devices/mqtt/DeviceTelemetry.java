package nl.regie.runtime.devices.mqtt;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import nl.regie.api.model.Location;
import nl.regie.api.model.Reading;
import nl.regie.runtime.devices.senml.SenmlException;
import nl.regie.runtime.devices.senml.SenmlParser;
import nl.regie.runtime.devices.senml.SenmlRecord;

/**
 * Telemetry: a device's SenML pack into readings on the bus. The pack is parsed strictly ({@link SenmlParser}) and
 * each record's name checked ({@link RecordNames}); one bad record rejects the whole pack, so nothing of it reaches
 * the bus. A good pack becomes one reading per record, published as {@code mqtt:{d}}, with source {@code d},
 * received now, observed at the record's time and located where the device's birth said it is.
 */
final class DeviceTelemetry {

    private final SenmlParser parser;
    private final RecordNames names;
    private final DeviceBridge.ReadingSink sink;
    private final Rejections rejections;

    DeviceTelemetry(SenmlParser parser, RecordNames names, DeviceBridge.ReadingSink sink, Rejections rejections) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.names = Objects.requireNonNull(names, "names");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.rejections = Objects.requireNonNull(rejections, "rejections");
    }

    /** Publishes the readings of a pack the device sent on {@code topic}, or rejects the pack. */
    void accept(DeviceStatus device, String topic, byte[] payload, Instant now) {
        List<SenmlRecord> records;
        try {
            records = parser.parse(payload, now);
        } catch (SenmlException e) {
            reject(device, topic, payload, "invalid SenML: " + e.getMessage(), now);
            return;
        }
        Location location = device.location();
        Reading[] readings = new Reading[records.size()];
        for (int i = 0; i < readings.length; i++) {
            SenmlRecord record = records.get(i);
            RecordNames.Checked checked = names.check(device, record.name(), i);
            if (checked instanceof RecordNames.Refused refused) {
                reject(device, topic, payload, refused.problem(), now);
                return;
            }
            RecordNames.Target target = (RecordNames.Target) checked;
            try {
                readings[i] = new Reading(target.entity(), target.attribute(), record.value(),
                        record.unit() == null ? "" : record.unit(), record.time(), now, device.id(), location);
            } catch (RuntimeException e) {
                reject(device, topic, payload, "record " + i + ": " + e.getMessage(), now);
                return;
            }
        }
        for (Reading reading : readings) {
            sink.publish(device.publisher(), reading);
        }
        device.accepted(readings.length);
    }

    private void reject(DeviceStatus device, String topic, byte[] payload, String why, Instant now) {
        rejections.reject(device, Topics.Kind.TELEMETRY, topic, payload, why, now);
    }
}
