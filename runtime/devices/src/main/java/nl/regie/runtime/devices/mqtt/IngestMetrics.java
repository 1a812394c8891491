package nl.regie.runtime.devices.mqtt;

import java.util.Map;
import java.util.TreeMap;

import nl.regie.runtime.spi.devices.DeviceDirectory;
import nl.regie.runtime.spi.devices.DeviceSnapshot;
import nl.regie.runtime.spi.metrics.MetricSource;
import nl.regie.runtime.spi.metrics.MetricWriter;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The device bridge's metrics: the bridge itself, devices by state, packs and readings by device type, the unknown
 * device ids, and the ingest latency as a histogram. Never a label per device: per-device figures are in
 * {@code /api/devices}. Devices
 * announce their own entity type, so there are at most {@value MetricWriter#MAX_LABEL_VALUES} types (the rest are
 * summed under {@code other}; a device that announced none is {@code unknown}). They are sums over the devices the
 * bridge knows now.
 */
@Component(service = MetricSource.class, property = MetricSource.ORDER + ":Integer=30")
public final class IngestMetrics implements MetricSource {

    private final DeviceDirectory directory;

    @Activate
    public IngestMetrics(@Reference DeviceDirectory directory) {
        this.directory = directory;
    }

    @Override
    public void collect(MetricWriter out) {
        DeviceDirectory.BridgeInfo bridge = directory.bridge();
        out.gauge("regie_ingest_bridge_enabled", "1 if an MQTT broker is configured.").sample(bridge.enabled() ? 1 : 0);
        out.gauge("regie_ingest_bridge_connected", "1 if the MQTT bridge is connected.").sample(bridge.connected() ? 1 : 0);
        out.counter("regie_ingest_messages_received_total", "MQTT messages received on the device topics.")
                .sample(bridge.messagesReceived());
        out.counter("regie_ingest_unroutable_total",
                "MQTT messages on a malformed topic or device id, or from devices beyond the limit.")
                .sample(bridge.unroutable());
        Map<String, long[]> byType = new TreeMap<>();
        Map<String, Long> byState = new TreeMap<>();
        for (DeviceSnapshot device : directory.devices()) {
            String type = device.type() == null || device.type().isEmpty() ? "unknown" : device.type();
            if (!byType.containsKey(type) && byType.size() >= MetricWriter.MAX_LABEL_VALUES) {
                type = "other";
            }
            long[] sums = byType.computeIfAbsent(type, t -> new long[3]);
            sums[0] += device.counts().telemetryAccepted();
            sums[1] += device.counts().telemetryRejected();
            sums[2] += device.counts().readingsPublished();
            byState.merge(device.state(), 1L, Long::sum);
        }
        MetricWriter.Family devicesByState = out.gauge("regie_ingest_devices", "Devices the bridge knows, by state.");
        byState.forEach((state, count) -> devicesByState.sample(count, "state", state));
        MetricWriter.Family accepted = out.counter("regie_ingest_packs_accepted_total",
                "Telemetry packs accepted, by device type (of the devices known now).");
        MetricWriter.Family rejected = out.counter("regie_ingest_packs_rejected_total",
                "Telemetry packs rejected, by device type (of the devices known now).");
        MetricWriter.Family readings = out.counter("regie_ingest_readings_published_total",
                "Readings the bridge published on the bus, by device type (of the devices known now).");
        byType.forEach((type, sums) -> {
            accepted.sample(sums[0], "device_type", type);
            rejected.sample(sums[1], "device_type", type);
            readings.sample(sums[2], "device_type", type);
        });
        DeviceDirectory.UnknownDevices unknown = directory.unknownDevices();
        out.gauge("regie_ingest_unknown_devices", "Device ids that never sent a valid message, counted one by one now"
                + " (a bounded LRU: maxUnknownDevices).").sample(unknown.tracked());
        out.counter("regie_ingest_unknown_messages_total",
                "Messages from device ids that never sent a valid message: no device, no entity.").sample(unknown.messages());
        out.counter("regie_ingest_unknown_forgotten_total",
                "Unknown device ids forgotten to keep within maxUnknownDevices.").sample(unknown.forgotten());
        directory.ingestLatency().ifPresent(latency -> out.histogram("regie_ingest_latency_seconds",
                "From a device's telemetry message arriving at the bridge to its readings handed to the bus, per accepted"
                        + " pack.", latency));
    }
}
