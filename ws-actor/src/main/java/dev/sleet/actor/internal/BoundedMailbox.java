package dev.sleet.actor.internal;

import dev.sleet.actor.MailboxOverflowPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.atomic.unpadded.MpscUnboundedAtomicUnpaddedArrayQueue;

/**
 * A mailbox with an exact capacity: a JCTools MPSC chunked queue plus a count of admitted messages. JCTools'
 * own bounded queues round the capacity up to a power of two; the count keeps it exact, even with many
 * concurrent senders, at the price of one more CAS per message (bounded mailboxes are opt-in).
 */
final class BoundedMailbox extends MpscUnboundedAtomicUnpaddedArrayQueue<Object> {

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(BoundedMailbox.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int capacity;
    final MailboxOverflowPolicy policy;
    /** Messages admitted and not yet taken by the consumer. */
    private volatile int count;

    BoundedMailbox(int chunkSize, int capacity, MailboxOverflowPolicy policy) {
        super(chunkSize);
        this.capacity = capacity;
        this.policy = policy;
    }

    /**
     * Reserves room for one message; the caller then offers it.
     *
     * @return {@code false} if the mailbox is full
     */
    boolean admit() {
        int c;
        do {
            c = count; // lv: the freshest count, so a full box is seen as full
            if (c >= capacity) {
                return false;
            }
        } while (!COUNT.compareAndSet(this, c, c + 1)); // cas: senders race for the last free places
        return true;
    }

    /** Frees the place of a message the consumer took. */
    void release() {
        COUNT.getAndAdd(this, -1); // atomic: senders may be CASing the count at the same time
    }
}
