package nl.regie.benchmarks;

/**
 * Where a bus fixture's subscribers report what they receive: subscriber {@code i} calls {@link #delivered(int)} on
 * its own delivery thread for every reading or event, in the order it receives them.
 */
interface Sink {

    /** How many subscribers the fixture registers. */
    int subscribers();

    /** Called by subscriber {@code subscriber} for every reading or event it receives. */
    void delivered(int subscriber);
}
