package nl.regie.launcher.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class BrokerDropsTest {

    @Test
    void hiveMqsReasonTextsAreAFixedSetOfLabels() {
        assertEquals(BrokerDrops.Reason.QUEUE_FULL, BrokerDrops.Reason.of("The client message queue is full"));
        assertEquals(BrokerDrops.Reason.QUEUE_FULL, BrokerDrops.Reason.of("The shared subscription message queue is full"));
        assertEquals(BrokerDrops.Reason.QOS0_MEMORY,
                BrokerDrops.Reason.of("The QoS 0 memory limit exceeded, size: 5,242,880 bytes, max: 5,242,880 bytes"));
        assertEquals(BrokerDrops.Reason.NOT_WRITABLE, BrokerDrops.Reason.of("The tcp socket was not writable"));
        assertEquals(BrokerDrops.Reason.TOO_LARGE, BrokerDrops.Reason.of("Maximum packet size exceeded, size: 2 bytes, max: 1 bytes"));
        assertEquals(BrokerDrops.Reason.EXTENSION, BrokerDrops.Reason.of("Extension prevented onward delivery"));
        assertEquals(BrokerDrops.Reason.INTERNAL_ERROR, BrokerDrops.Reason.of("Internal error"));
        assertEquals(BrokerDrops.Reason.OTHER, BrokerDrops.Reason.of("a reason of a later HiveMQ"), "not a new label");
        assertEquals(BrokerDrops.Reason.OTHER, BrokerDrops.Reason.of(null));
        assertEquals(BrokerDrops.Reason.OTHER, BrokerDrops.Reason.of("<script>" + "x".repeat(10_000)));
    }

    @Test
    void theEventLogsDropLinesAreCountedNotPrintedAndOtherDebugLinesAreIgnored() {
        BrokerDrops drops = new BrokerDrops();
        BrokerLog.countDropsIn(drops);
        List<String> printed = new ArrayList<>();
        BrokerLog.routeTo((level, logger, message, failure) -> printed.add(level + " " + message), true);
        Logger events = BrokerLog.logger(BrokerDrops.EVENT_LOGGER);
        Logger other = BrokerLog.logger("com.hivemq.SomethingElse");
        // As HiveMQ's EventLog logs them: client, topic, qos, reason.
        events.debug("Outgoing publish message was dropped. Receiving client: {}, topic: {}, qos: {}, reason: {}.",
                "regie-demo", "regie/v1/demo/dev/bin-1/tele", 1, "The client message queue is full");
        events.debug("Outgoing publish message was dropped. Receiving client: {}, topic: {}, qos: {}, reason: {}.",
                "bin-1", "regie/v1/demo/dev/bin-1/cmd", 0, "The tcp socket was not writable");
        events.debug("Outgoing MQTT packet was dropped. Receiving client: {}, messageType: {}, reason: {}.",
                "bin-1", "PUBLISH", "Maximum packet size exceeded, size: 2 bytes, max: 1 bytes");
        events.debug("no arguments");
        other.debug("a debug line of another logger: {}", "The client message queue is full");

        events.info("an information line of the event logger");
        BrokerLog.routeTo((level, logger, message, failure) -> System.err.println(level + " [mqtt-broker] " + message), false);

        assertEquals(List.of("INFO an information line of the event logger"), printed, "debug lines are never printed");
        assertEquals(true, events.isDebugEnabled());
        assertEquals(false, other.isDebugEnabled());
        assertEquals(1, drops.count(BrokerDrops.Reason.QUEUE_FULL));
        assertEquals(1, drops.count(BrokerDrops.Reason.NOT_WRITABLE));
        assertEquals(1, drops.count(BrokerDrops.Reason.TOO_LARGE));
        Map<String, Long> byReason = drops.byReason(5);
        assertEquals(2L, byReason.get("other"), "HiveMQ counted 5, three named: " + byReason);
        assertEquals(0L, drops.byReason(0).get("other"), "never negative");
    }
}
