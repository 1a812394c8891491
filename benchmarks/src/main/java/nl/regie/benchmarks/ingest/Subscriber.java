package nl.regie.benchmarks.ingest;

/** One way of taking the packs off the broker: the Regie bridge, or a bare Paho client. */
interface Subscriber extends AutoCloseable {

    /** Connects (resuming its session if it has one) and returns once its subscription stands. */
    void connect() throws Exception;

    /** Disconnects, keeping its session at the broker, which queues what arrives meanwhile. */
    void disconnect() throws Exception;

    /** Whether everything of {@code packs} packs has arrived (and, for Regie, reached the city state). */
    boolean done(int packs);

    /** What was taken in: messages, readings. */
    String counts();

    /** What went wrong (dropped or rejected), or empty. */
    String problems();
}
