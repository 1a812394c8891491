package nl.regie.runtime.devices.mqtt;

import nl.regie.api.actuation.CommandState;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a device's acknowledgement on {@code .../dev/{d}/ack/{commandId}} says:
 * {@code {"status": "completed" | "rejected" | "failed", "reason": "..."}}, the reason optional.
 *
 * @param state  the command's end: COMPLETED, REJECTED or FAILED
 * @param reason the device's reason, empty if it gave none
 */
record Acknowledgement(CommandState state, String reason) {

    private static final String STATUS_RULE = "'status' must be \"completed\", \"rejected\" or \"failed\"";

    /**
     * Reads an acknowledgement.
     *
     * @throws IllegalArgumentException saying which member is wrong and what it must be
     */
    static Acknowledgement read(JsonNode root) {
        JsonNode status = root.get("status");
        if (status == null || !status.isTextual()) {
            throw new IllegalArgumentException(STATUS_RULE);
        }
        CommandState state = switch (status.textValue()) {
            case "completed" -> CommandState.COMPLETED;
            case "rejected" -> CommandState.REJECTED;
            case "failed" -> CommandState.FAILED;
            default -> throw new IllegalArgumentException(STATUS_RULE + ", was \"" + status.textValue() + "\"");
        };
        JsonNode reason = root.get("reason");
        if (reason != null && !reason.isNull() && !reason.isTextual()) {
            throw new IllegalArgumentException("'reason' must be a text");
        }
        return new Acknowledgement(state, reason == null || reason.isNull() ? "" : reason.textValue());
    }

    /** The reason for the command's result: the device's own, else one that says what the device did. */
    String reasonOf(String device) {
        if (reason.isEmpty() && state == CommandState.REJECTED) {
            return "device " + device + " rejected the command";
        }
        if (reason.isEmpty() && state == CommandState.FAILED) {
            return "device " + device + " failed to carry out the command";
        }
        return reason;
    }
}
