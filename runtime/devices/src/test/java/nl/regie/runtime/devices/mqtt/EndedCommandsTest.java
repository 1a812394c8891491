package nl.regie.runtime.devices.mqtt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EndedCommandsTest {

    @Test
    void onlyCommandsEndedByAnAcknowledgementCountAsAcknowledged() {
        EndedCommands ended = new EndedCommands();
        ended.ended("cmd-1", true);
        ended.ended("cmd-2", false);
        assertTrue(ended.acknowledged("cmd-1"));
        assertFalse(ended.acknowledged("cmd-2"), "its deadline passed first");
        assertFalse(ended.acknowledged("cmd-3"), "never seen");
    }

    @Test
    void theOldestAreForgottenBeyondTheBound() {
        EndedCommands ended = new EndedCommands(2);
        ended.ended("cmd-1", true);
        ended.ended("cmd-2", true);
        ended.ended("cmd-3", true);
        assertFalse(ended.acknowledged("cmd-1"));
        assertTrue(ended.acknowledged("cmd-2"));
        assertTrue(ended.acknowledged("cmd-3"));
    }
}
