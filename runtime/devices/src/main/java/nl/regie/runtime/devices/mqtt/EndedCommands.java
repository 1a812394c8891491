package nl.regie.runtime.devices.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently ended commands and how each ended, so that an acknowledgement for a command no longer waiting
 * can be told apart: a repeat of one already taken, or one that came too late. Bounded: the oldest are forgotten,
 * and an acknowledgement for a forgotten command counts as late. Thread-safe.
 */
final class EndedCommands {

    /** How many ended commands are kept by default. */
    static final int KEPT = 10_000;

    /** True if acknowledged, false if their deadline passed first. */
    private final Map<String, Boolean> ended;

    EndedCommands() {
        this(KEPT);
    }

    EndedCommands(int kept) {
        this.ended = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > kept;
            }
        };
    }

    /** A command ended: by the device's acknowledgement, or not. */
    synchronized void ended(String commandId, boolean acknowledged) {
        ended.put(commandId, acknowledged);
    }

    /** Whether a command is among those kept and ended by an acknowledgement. */
    synchronized boolean acknowledged(String commandId) {
        return Boolean.TRUE.equals(ended.get(commandId));
    }
}
