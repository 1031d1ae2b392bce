package dev.sleet.actor.internal;

import dev.sleet.actor.Cancellable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timer: a node of its wheel slot's doubly linked list (so that removing it is O(1)) and the
 * {@link Cancellable} the caller holds. Everything but {@link #state} belongs to the timer thread once the
 * entry has been handed over.
 */
final class TimerEntry implements Cancellable {

    static final int PENDING = 0;
    static final int CANCELLED = 1;
    static final int FIRED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TimerEntry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TimerWheel wheel;
    /** Interval of a periodic timer in nanoseconds; 0 for a one-shot timer. */
    final long period;
    /** A {@link Runnable}, or the {@link dev.sleet.actor.ActorRef} to tell; dropped once the entry is done. */
    Object target;
    /** The message to tell, or {@code null} for a task. */
    Object message;
    /** Deadline in nanoseconds since the wheel's origin. */
    long deadline;
    /** The wheel slot holding it, or -1 while not linked. */
    int slotIndex = -1;
    TimerEntry prev;
    TimerEntry next;

    private volatile int state;

    TimerEntry(TimerWheel wheel, long deadline, long period, Object target, Object message) {
        this.wheel = wheel;
        this.deadline = deadline;
        this.period = period;
        this.target = target;
        this.message = message;
    }

    /** An entry refused because its system is shutting down: already cancelled, never queued. */
    static TimerEntry refused() {
        TimerEntry e = new TimerEntry(null, 0, 0, null, null);
        e.state = CANCELLED;
        return e;
    }

    @Override
    public boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLED)) { // cas: races the timer thread firing it
            return false;
        }
        wheel.cancelled(this);
        return true;
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    int state() {
        return state;
    }

    /** Timer thread: claims a one-shot entry for firing. */
    boolean markFired() {
        return STATE.compareAndSet(this, PENDING, FIRED);
    }

    /** Timer thread: ends an entry by itself (its actor stopped, or the wheel stopped). */
    boolean markCancelled() {
        return STATE.compareAndSet(this, PENDING, CANCELLED);
    }

    /** Lets go of the task or message so that a cancelled or fired entry holds nothing. */
    void release() {
        target = null;
        message = null;
        prev = null;
        next = null;
    }

    @Override
    public String toString() {
        return "Timer[" + (period == 0 ? "once" : "every " + period + " ns") + ", state=" + state + "]";
    }
}
