package nl.regie.api.alert;

import java.util.Locale;

/** How serious an alert is: the Smart Data Models {@code Alert.severity} values, least serious first. */
public enum AlertSeverity {
    INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL;

    /** The Smart Data Models spelling: {@code informational}, {@code low}, ..., {@code critical}. */
    public String modelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The severity with a Smart Data Models name, in any case.
     *
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static AlertSeverity parse(String name) {
        for (AlertSeverity severity : values()) {
            if (severity.name().equalsIgnoreCase(name)) {
                return severity;
            }
        }
        throw new IllegalArgumentException("unknown alert severity '" + name
                + "': use informational, low, medium, high or critical");
    }
}
