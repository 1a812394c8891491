package nl.regie.runtime.devices.mqtt;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

import nl.regie.api.actuation.ActuationDriver;
import nl.regie.api.actuation.Command;
import nl.regie.api.actuation.CommandResult;

/**
 * Carries commands out over MQTT: publishes each to the device that owns its target and completes it on the
 * device's acknowledgement (see {@link DeviceBridge#execute}). Registered by {@link MqttBridgeComponent} once per
 * entity type of device-backed entities, as types become known.
 */
public final class MqttActuationDriver implements ActuationDriver {

    private final DeviceBridge bridge;

    /** A driver sending through the given bridge. */
    public MqttActuationDriver(DeviceBridge bridge) {
        this.bridge = Objects.requireNonNull(bridge, "bridge");
    }

    @Override
    public CompletionStage<CommandResult> execute(Command command) {
        return bridge.execute(command);
    }
}
