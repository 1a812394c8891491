package nl.regie.runtime.devices.mqtt;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The devices the bridge keeps track of: those of the device registry from the start, then every device that sends a
 * valid message (the bridge counts the others in {@link UnknownDeviceIds}), up to a limit, so that a flood of made-up
 * device ids cannot exhaust memory. Thread-safe.
 */
final class KnownDevices {

    private final ConcurrentHashMap<String, DeviceStatus> devices = new ConcurrentHashMap<>();
    private final int max;

    /** The registry's devices, and room for others up to {@code max} devices in all. */
    KnownDevices(DeviceRegistry registry, int max) {
        this.max = max;
        for (String device : registry.devices()) {
            devices.put(device, new DeviceStatus(device));
        }
    }

    /** The device with this id, from now on known if it was not; null if it is not and there is no more room. */
    DeviceStatus track(String id) {
        DeviceStatus device = devices.get(id);
        if (device == null) {
            if (devices.size() >= max) {
                return null;
            }
            device = devices.computeIfAbsent(id, DeviceStatus::new);
        }
        return device;
    }

    /** The device with this id, known from now on, to restore it; null if there is no more room. */
    DeviceStatus restore(String id) {
        return track(id);
    }

    /** The device with this id, or null if it is not known. */
    DeviceStatus get(String id) {
        return devices.get(id);
    }

    boolean contains(String id) {
        return devices.containsKey(id);
    }

    /** Every known device, a live view in no particular order. */
    Collection<DeviceStatus> all() {
        return devices.values();
    }

    int size() {
        return devices.size();
    }
}
