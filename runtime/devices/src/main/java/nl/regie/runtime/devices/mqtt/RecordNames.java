package nl.regie.runtime.devices.mqtt;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import nl.regie.api.model.EntityId;

/**
 * The permission check of telemetry: what the name of a record in a device's pack stands for. A name must be
 * {@code {entity URN}:{attribute}} (split at the last ':'), the attribute a valid reading attribute, and the entity
 * one the device may report on ({@link DeviceRegistry#mayReportOn}). Names repeat in every pack, so a device
 * remembers what its names stand for and each is checked once, while the budget of remembered names (over all
 * devices, about 200 bytes each) lasts; beyond it names are checked every time. Thread-safe.
 */
final class RecordNames {

    /** How many checked names are remembered, over all devices. */
    static final int MAX_REMEMBERED = 65_536;

    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z][A-Za-z0-9_]{0,63}");

    /** What checking a name came to. */
    sealed interface Checked permits Target, Refused {
    }

    /** What a valid record name stands for. */
    record Target(EntityId entity, String attribute) implements Checked {
    }

    /** Why a record name is refused, phrased to name the record: "record 2: attribute 'Bad' must ...". */
    record Refused(String problem) implements Checked {
    }

    private final DeviceRegistry registry;
    private final int budget;
    private final AtomicInteger remembered = new AtomicInteger();

    /** Names checked against this registry, {@value #MAX_REMEMBERED} of them remembered. */
    RecordNames(DeviceRegistry registry) {
        this(registry, MAX_REMEMBERED);
    }

    RecordNames(DeviceRegistry registry, int budget) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.budget = budget;
    }

    /**
     * What the name of record {@code index} of a pack from the device stands for, or why it is refused.
     *
     * @param name the record's resolved name (base name and name), null if it has none
     */
    Checked check(DeviceStatus device, String name, int index) {
        Target known = name == null ? null : device.target(name);
        if (known != null) {
            return known;
        }
        int colon = name == null ? -1 : name.lastIndexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            return new Refused("record " + index + ": name " + quote(name) + " must be {entity URN}:{attribute}, e.g."
                    + " urn:ngsi-ld:Device:" + device.id() + ":batteryLevel");
        }
        String attribute = name.substring(colon + 1);
        EntityId entity;
        try {
            entity = EntityId.parse(name.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return new Refused("record " + index + ": name " + quote(name) + ": " + e.getMessage());
        }
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            return new Refused("record " + index + ": attribute " + quote(attribute)
                    + " must start with a lower-case letter and contain only letters, digits and '_' (at most 64)");
        }
        if (!registry.mayReportOn(device.id(), entity)) {
            return new Refused("record " + index + ": device " + device.id() + " may not report on " + entity
                    + " (only on urn:ngsi-ld:Device:" + device.id() + ", entities whose local id is " + device.id()
                    + ", and entities the device registry assigns to it)");
        }
        Target target = new Target(entity, attribute);
        if (remembered.get() < budget && device.remember(name, target)) {
            remembered.incrementAndGet();
        }
        return target;
    }

    /** Device-supplied text in single quotes, cut short and with control characters escaped. */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), 80);
        StringBuilder quoted = new StringBuilder(end + 8).append('\'');
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append(end < text.length() ? "...'" : "'").toString();
    }
}
