package nl.regie.lighting;

import java.util.Map;

import nl.regie.testkit.RegieTestKit;

/** {@link LightingComponent.Config} as DS builds it (the test kit's typed configuration), for tests. */
final class Configs {

    private Configs() {
    }

    /** A configuration with {@code values} by key ({@code dim.from}); the annotation's defaults for the rest. */
    static LightingComponent.Config of(Map<String, Object> values) {
        return RegieTestKit.typedConfig(LightingComponent.Config.class, values);
    }

    /** The configuration when none is set. */
    static LightingComponent.Config defaults() {
        return of(Map.of());
    }
}
