package nl.regie.runtime.devices.mqtt;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import nl.regie.runtime.spi.devices.DeviceDirectory;

/**
 * The MQTT topic scheme of one site (see the design brief, "Devices (MQTT)"):
 * <pre>
 * regie/v1/{site}/dev/{d}/tele                 device to runtime: SenML pack
 * regie/v1/{site}/dev/{d}/cmd/{commandId}      runtime to device: command
 * regie/v1/{site}/dev/{d}/ack/{commandId}      device to runtime: command outcome
 * regie/v1/{site}/dev/{d}/state                device to runtime: birth (retained) and will
 * </pre>
 * A device id is 1 to 128 letters, digits, '.', '_', '-' or ':' (an NGSI-LD local id), so that
 * {@code urn:ngsi-ld:Device:{d}} is always a valid entity.
 */
final class Topics {

    /** What a topic the bridge subscribes to carries. */
    enum Kind { TELEMETRY, ACK, STATE }

    /**
     * A parsed inbound topic.
     *
     * @param kind      what it carries
     * @param device    the device id
     * @param commandId the command id, for acks; otherwise null
     */
    record Parsed(Kind kind, String device, String commandId) {
    }

    private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SITE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String site;
    private final String prefix;

    /**
     * The topics of a site.
     *
     * @throws IllegalArgumentException if the site name is not 1 to 64 letters, digits, '.', '_' or '-'
     */
    Topics(String site) {
        Objects.requireNonNull(site, "site is required");
        if (!SITE.matcher(site).matches()) {
            throw new IllegalArgumentException("site '" + site
                    + "' must be 1 to 64 letters, digits, '.', '_' or '-' (it is one MQTT topic level)");
        }
        this.site = site;
        this.prefix = "regie/v1/" + site + "/dev/";
    }

    String site() {
        return site;
    }

    /** The filters the bridge subscribes to. */
    List<String> filters() {
        return List.of(prefix + "+/tele", prefix + "+/ack/+", prefix + "+/state");
    }

    String telemetry(String device) {
        return prefix + device + "/tele";
    }

    String state(String device) {
        return prefix + device + "/state";
    }

    String command(String device, String commandId) {
        return prefix + device + "/cmd/" + commandId;
    }

    String ack(String device, String commandId) {
        return prefix + device + "/ack/" + commandId;
    }

    /** Whether a text is a valid device id. */
    static boolean isDeviceId(String id) {
        return DeviceDirectory.isDeviceId(id);
    }

    /** Why a text is not a valid device id. */
    static String deviceIdRule(String id) {
        return DeviceDirectory.deviceIdProblem(id).orElseThrow();
    }

    /**
     * Parses a topic the bridge received.
     *
     * @throws IllegalArgumentException with the reason when the topic is not one of the inbound topics of this
     *                                  site or names a malformed device or command id
     */
    Parsed parse(String topic) {
        if (!topic.startsWith(prefix)) {
            throw new IllegalArgumentException("topic '" + topic + "' is not under " + prefix);
        }
        int slash = topic.indexOf('/', prefix.length());
        if (slash < 0) {
            throw new IllegalArgumentException("topic '" + topic + "' has no message kind after the device id");
        }
        String device = topic.substring(prefix.length(), slash);
        if (!isDeviceId(device)) {
            throw new IllegalArgumentException("topic '" + topic + "': " + deviceIdRule(device));
        }
        String rest = topic.substring(slash + 1);
        if (rest.equals("tele")) {
            return new Parsed(Kind.TELEMETRY, device, null);
        }
        if (rest.equals("state")) {
            return new Parsed(Kind.STATE, device, null);
        }
        if (rest.startsWith("ack/")) {
            String commandId = rest.substring(4);
            if (!COMMAND_ID.matcher(commandId).matches()) {
                throw new IllegalArgumentException("topic '" + topic + "': command id '" + commandId
                        + "' must be 1 to 64 letters, digits, '-' or '_'");
            }
            return new Parsed(Kind.ACK, device, commandId);
        }
        throw new IllegalArgumentException("topic '" + topic + "' is not a tele, state or ack/{commandId} topic");
    }
}
