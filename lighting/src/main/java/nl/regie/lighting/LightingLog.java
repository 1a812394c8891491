package nl.regie.lighting;

/** Where the plugin's messages go: the OSGi logger in the component, a list in tests. */
interface LightingLog {

    void info(String message);

    void warn(String message);
}
