package nl.regie.runtime.core.bus;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free queue for many publishing threads and one consuming thread (a ring buffer in the
 * style of JCTools' {@code MpscArrayQueue}).
 *
 * <p>Publishers claim a position with one compare-and-set and then write the slot; a full queue refuses the
 * element at once ({@link #offer} returns false) instead of waiting. The consumer reads slots in order and
 * frees them. Publishers keep a cached limit so they only read the consumer's position when the cached
 * one runs out, which keeps the two sides off each other's cache lines.
 *
 * @param <E> the element type
 */
final class SubscriberQueue<E> {

    private final int capacity;
    private final AtomicReferenceArray<E> slots;
    private final AtomicLong producerIndex = new AtomicLong();
    private final AtomicLong consumerIndex = new AtomicLong();
    /** consumerIndex + capacity as last seen by a publisher; only ever too low, which merely triggers a re-read. */
    private volatile long producerLimit;

    SubscriberQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity);
        this.producerLimit = capacity;
    }

    /** Adds an element, or returns false at once if the queue is full. Safe for any number of threads. */
    boolean offer(E element) {
        long limit = producerLimit;
        long position;
        do {
            position = producerIndex.get();
            if (position >= limit) {
                limit = consumerIndex.get() + capacity;
                if (position >= limit) {
                    return false;
                }
                producerLimit = limit;
            }
        } while (!producerIndex.compareAndSet(position, position + 1));
        slots.lazySet(slot(position), element);
        return true;
    }

    /** Removes the oldest element, or returns null if there is none. Only the consumer thread may call this. */
    E poll() {
        long position = consumerIndex.get();
        int slot = slot(position);
        E element = slots.get(slot);
        if (element == null) {
            if (position == producerIndex.get()) {
                return null;
            }
            // A publisher has claimed this slot but not written it yet: that takes nanoseconds, unless
            // the publisher was descheduled in between, hence the yield.
            for (int spins = 0; (element = slots.get(slot)) == null; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
        slots.lazySet(slot, null);
        consumerIndex.lazySet(position + 1);
        return element;
    }

    /**
     * Whether nothing has been claimed beyond what the consumer took. A volatile read of the publishers'
     * position, which the consumer's park protocol relies on (see {@link Subscriber}).
     */
    boolean isEmpty() {
        return producerIndex.get() == consumerIndex.get();
    }

    /** The number of elements waiting, approximately while publishers and the consumer are active. */
    int size() {
        long consumed = consumerIndex.get();
        long claimed = producerIndex.get();
        return (int) Math.max(0, Math.min(capacity, claimed - consumed));
    }

    int capacity() {
        return capacity;
    }

    private int slot(long position) {
        return (int) (position % capacity);
    }
}
