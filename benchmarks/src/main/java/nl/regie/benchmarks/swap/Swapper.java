package nl.regie.benchmarks.swap;

/** One way of replacing the running version of a plugin with another: the thing the benchmark compares. */
interface Swapper {

    /** How the report names it. */
    String name();

    /** The recorder and publisher this way uses: {@code bus} or {@code eventadmin}. */
    String key();

    /** Builds the plugin's versions (before anything is timed). */
    void prepare(int swaps) throws Exception;

    /** Installs and starts the plugin's first version, {@code 1.0.0}. */
    void install() throws Exception;

    /** Replaces the running version with version {@code 1.0.<index>}; returns what came of it. */
    LifecycleClient.Result swap(int index) throws Exception;

    /** The version swap {@code index} installs. */
    static String version(int index) {
        return "1.0." + index;
    }
}
