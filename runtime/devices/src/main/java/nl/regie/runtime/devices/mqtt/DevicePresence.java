package nl.regie.runtime.devices.mqtt;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

import nl.regie.api.model.Reading;
import nl.regie.api.model.Value;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Presence: whether each device is online, stale or offline, and what its birth announced. A birth
 * ({@code {"online": true, ...}} on {@code .../state}, see {@link Birth}) makes a device online; births are retained,
 * so the broker hands them to the bridge again whenever it subscribes, also after a runtime restart.
 * {@code {"online": false}} (its will, or a goodbye) makes it offline; {@link #markSilentStale} marks an online device
 * stale once it has been silent for its interval times the stale factor; any other message from a device that is not
 * online makes it online again ({@link #heard}). Each change is published as a {@value DeviceBridge#DEVICE_STATE}
 * reading ({@code online}, {@code offline}, {@code stale}) of {@code urn:ngsi-ld:Device:{d}}, with the birth's
 * location.
 */
final class DevicePresence {

    private final BridgeSettings settings;
    private final KnownDevices devices;
    private final DeviceJson json;
    private final EntityTypes entityTypes;
    private final DeviceBridge.ReadingSink sink;
    private final Rejections rejections;
    /** Told of each change of presence, after it is announced: the state folder. */
    private volatile Consumer<DeviceStatus> changes = device -> { };

    DevicePresence(BridgeSettings settings, KnownDevices devices, DeviceJson json, EntityTypes entityTypes,
            DeviceBridge.ReadingSink sink, Rejections rejections) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.json = Objects.requireNonNull(json, "json");
        this.entityTypes = Objects.requireNonNull(entityTypes, "entityTypes");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.rejections = Objects.requireNonNull(rejections, "rejections");
    }

    /** Sets who is told of each change of a device's presence. */
    void onChange(Consumer<DeviceStatus> listener) {
        changes = Objects.requireNonNull(listener);
    }

    /** A message other than a state message came from the device: it is alive, online again if it was not. */
    void heard(DeviceStatus device, Instant now) {
        if (device.seen(now)) {
            announce(device, DeviceStatus.Presence.ONLINE, now);
        }
    }

    /** A message on the device's state topic: a birth, its will or a goodbye. */
    void onState(DeviceStatus device, String topic, byte[] payload, Instant now) {
        if (payload.length == 0) {
            return; // someone cleared the retained birth: not a statement about presence
        }
        JsonNode root;
        try {
            root = json.object(payload);
        } catch (IllegalArgumentException e) {
            reject(device, topic, payload, e.getMessage(), now);
            return;
        }
        JsonNode online = root.get("online");
        if (online == null || !online.isBoolean()) {
            reject(device, topic, payload, "'online' must be true or false", now);
            return;
        }
        if (!online.booleanValue()) {
            device.offline(now);
            announce(device, DeviceStatus.Presence.OFFLINE, now);
            return;
        }
        Birth birth;
        try {
            birth = Birth.read(root, device.id(), settings.registry());
        } catch (IllegalArgumentException e) {
            reject(device, topic, payload, e.getMessage(), now);
            return;
        }
        device.birth(now, birth.type(), birth.entities(), birth.location(), birth.interval());
        if (birth.type() != null) {
            entityTypes.learn(birth.type());
        }
        birth.entities().forEach(e -> entityTypes.learn(e.type()));
        announce(device, DeviceStatus.Presence.ONLINE, now);
    }

    /**
     * Why a state message from a device that has not yet sent a valid message does not make it known, or null if it
     * does: only a valid birth does. A goodbye ({@code "online": false}) or a cleared birth from a device never seen
     * says nothing about a device the bridge knows.
     */
    String notABirth(String deviceId, byte[] payload) {
        if (payload.length == 0) {
            return "an empty state message (a cleared birth) from a device that never sent a birth";
        }
        try {
            JsonNode root = json.object(payload);
            JsonNode online = root.get("online");
            if (online == null || !online.isBoolean()) {
                return "invalid state message: 'online' must be true or false";
            }
            if (!online.booleanValue()) {
                return "a goodbye ('online': false) from a device that never sent a birth nor valid telemetry";
            }
            Birth.read(root, deviceId, settings.registry());
            return null;
        } catch (IllegalArgumentException e) {
            return "invalid state message: " + e.getMessage();
        }
    }

    /** Marks every online device that has been silent for its interval times the stale factor stale. */
    void markSilentStale(Instant now) {
        for (DeviceStatus device : devices.all()) {
            if (device.markStaleIfSilent(now, settings.staleFactor(), settings.defaultInterval())) {
                announce(device, DeviceStatus.Presence.STALE, now);
            }
        }
    }

    private void announce(DeviceStatus device, DeviceStatus.Presence presence, Instant now) {
        sink.publish(device.publisher(), new Reading(device.entity(), DeviceBridge.DEVICE_STATE,
                Value.of(presence.text()), "", now, now, device.id(), device.location()));
        device.published(1);
        changes.accept(device);
    }

    private void reject(DeviceStatus device, String topic, byte[] payload, String reason, Instant now) {
        rejections.reject(device, Topics.Kind.STATE, topic, payload, "invalid state message: " + reason, now);
    }
}
