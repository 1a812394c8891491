package nl.regie.runtime.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SubscriberQueueTest {

    @Test
    void keepsOrderAndRefusesWhatDoesNotFitAcrossManyWrapArounds() {
        SubscriberQueue<Integer> queue = new SubscriberQueue<>(3);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 100; round++) {
            assertTrue(queue.offer(next++));
            assertTrue(queue.offer(next++));
            assertTrue(queue.offer(next++));
            assertFalse(queue.offer(-1), "full");
            assertEquals(3, queue.size());
            assertEquals(expected++, queue.poll());
            assertTrue(queue.offer(next++));
            assertFalse(queue.offer(-1), "full again");
            for (int i = 0; i < 3; i++) {
                assertEquals(expected++, queue.poll());
            }
            assertNull(queue.poll());
            assertTrue(queue.isEmpty());
            assertEquals(0, queue.size());
        }
    }

    @Test
    void neverLosesOrDuplicatesWithConcurrentPublishers() throws Exception {
        SubscriberQueue<Integer> queue = new SubscriberQueue<>(100);
        int publishers = 4;
        int each = 50_000;
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int base = p * each;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    if (!queue.offer(base + i)) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        int[] lastPerPublisher = new int[publishers];
        Arrays.fill(lastPerPublisher, -1);
        int taken = 0;
        while (threads.stream().anyMatch(Thread::isAlive) || !queue.isEmpty()) {
            Integer element = queue.poll();
            if (element != null) {
                int publisher = element / each;
                assertTrue(element > lastPerPublisher[publisher], "order per publisher");
                lastPerPublisher[publisher] = element;
                taken++;
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(publishers * each, taken + refused.get());
    }

    @Test
    void refusesAZeroCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new SubscriberQueue<>(0));
    }
}
