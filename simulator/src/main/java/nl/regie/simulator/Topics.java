package nl.regie.simulator;

/**
 * The device topics of one site: {@code regie/v1/{site}/dev/{d}/tele}, {@code .../cmd/{commandId}},
 * {@code .../ack/{commandId}}, {@code .../state}.
 */
final class Topics {

    private final String prefix;

    Topics(String site) {
        this.prefix = "regie/v1/" + site + "/dev/";
    }

    /** Whether {@code site} can be a topic level: not empty, no '/', '+', '#' or NUL. */
    static boolean validSite(String site) {
        return site != null && !site.isEmpty() && site.chars().noneMatch(c -> c == '/' || c == '+' || c == '#' || c == 0);
    }

    String telemetry(String deviceId) {
        return prefix + deviceId + "/tele";
    }

    String state(String deviceId) {
        return prefix + deviceId + "/state";
    }

    String ack(String deviceId, String commandId) {
        return prefix + deviceId + "/ack/" + commandId;
    }

    /** The filter for every command to a device. */
    String commands(String deviceId) {
        return prefix + deviceId + "/cmd/+";
    }

    /** The device and command ids of a command topic of this site, or {@code null} for any other topic. */
    Command parseCommand(String topic) {
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String rest = topic.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || !rest.startsWith("/cmd/", slash)) {
            return null;
        }
        String commandId = rest.substring(slash + 5);
        if (commandId.isEmpty() || commandId.indexOf('/') >= 0) {
            return null;
        }
        return new Command(rest.substring(0, slash), commandId);
    }

    /** A command topic's parts. */
    record Command(String deviceId, String commandId) {
    }
}
