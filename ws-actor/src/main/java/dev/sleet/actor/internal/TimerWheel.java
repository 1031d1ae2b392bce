package dev.sleet.actor.internal;

import dev.sleet.actor.ActorRef;
import dev.sleet.actor.Cancellable;
import dev.sleet.actor.TellResult;
import dev.sleet.actor.Timers;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * A hashed timing wheel (Varghese &amp; Lauck) on one thread for the whole system. Slot {@code t & mask} holds
 * the timers due at tick {@code t}; a timer due more than one turn ahead sits in its slot and is skipped
 * until its turn comes. Other threads never touch the wheel: they hand new entries and cancellations over
 * through two JCTools MPSC queues that the timer thread drains before each tick, so scheduling and
 * cancelling are O(1) and lock-free, and a cancelled entry leaves the wheel within one tick.
 *
 * <p>The thread starts on the first schedule. While no timer is pending it parks without a deadline and a
 * new schedule wakes it; otherwise it wakes once per tick.
 */
final class TimerWheel implements Timers {

    private static final System.Logger LOG = System.getLogger("dev.sleet.actor");

    private final LocalActorSystem system;
    private final long tickNanos;
    private final int mask;
    private final TimerEntry[] slots;
    private final long origin = System.nanoTime();
    private final MpscUnboundedAtomicArrayQueue<TimerEntry> incoming = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final MpscUnboundedAtomicArrayQueue<TimerEntry> cancellations = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final AtomicLong pending = new AtomicLong();
    private final String threadName;
    private final boolean daemon;

    private volatile Thread thread;
    private volatile boolean stopped;
    /** Set by the timer thread before it parks with no deadline; a scheduler then unparks it. */
    private volatile boolean sleeping;

    /** Timer thread only: the next tick to process. */
    private long nextTick;
    /** Timer thread only: entries linked into the wheel. */
    private long linked;

    TimerWheel(LocalActorSystem system, SystemConfig config) {
        this.system = system;
        this.tickNanos = config.timerTick().toNanos();
        int size = Integer.highestOneBit(config.timerWheelSize() - 1) << 1;
        this.slots = new TimerEntry[Math.max(16, size)];
        this.mask = slots.length - 1;
        this.threadName = config.name() + "-timer";
        this.daemon = config.daemon();
    }

    // ------------------------------------------------------------------------------------------ Timers

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        return add(delay, 0, task, null);
    }

    @Override
    public <M> Cancellable schedule(Duration delay, ActorRef<M> target, M message) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(message, "message");
        return add(delay, 0, target, message);
    }

    @Override
    public Cancellable schedulePeriodic(Duration initialDelay, Duration period, Runnable task) {
        Objects.requireNonNull(task, "task");
        return add(initialDelay, periodNanos(period), task, null);
    }

    @Override
    public <M> Cancellable schedulePeriodic(Duration initialDelay, Duration period, ActorRef<M> target,
                                            M message) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(message, "message");
        return add(initialDelay, periodNanos(period), target, message);
    }

    @Override
    public long pending() {
        return pending.get();
    }

    @Override
    public Duration tick() {
        return Duration.ofNanos(tickNanos);
    }

    private static long periodNanos(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        return SystemConfig.saturatedNanos(period);
    }

    private Cancellable add(Duration delay, long period, Object target, Object message) {
        Objects.requireNonNull(delay, "delay");
        if (stopped || !system.isRunning()) {
            return TimerEntry.refused();
        }
        long d = Math.max(0, SystemConfig.saturatedNanos(delay));
        long now = now();
        long deadline = d > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + d;
        TimerEntry e = new TimerEntry(this, deadline, period, target, message);
        pending.incrementAndGet();
        incoming.offer(e);
        if (stopped && e.markCancelled()) { // lost the race with stop(): nobody will fire it
            pending.decrementAndGet();
            e.release();
            return e;
        }
        ensureStarted();
        if (sleeping) { // lv after the offer: Dekker with the timer thread's sleeping flag
            LockSupport.unpark(thread);
        }
        return e;
    }

    /** Called by {@link TimerEntry#cancel()} after it won the CAS. */
    void cancelled(TimerEntry e) {
        pending.decrementAndGet();
        cancellations.offer(e);
        if (sleeping) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    private void ensureStarted() {
        if (thread != null) {
            return;
        }
        synchronized (this) {
            if (thread == null && !stopped) {
                Thread t = new Thread(this::loop, threadName);
                t.setDaemon(daemon);
                nextTick = now() / tickNanos; // before start(): happens-before the thread's first read
                thread = t;
                t.start();
            }
        }
    }

    boolean isTimerThread(Thread t) {
        return t == thread;
    }

    boolean isThreadAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /**
     * Stops the wheel: pending timers never fire and are cancelled. Waits for the thread until
     * {@code deadlineNanos}.
     *
     * @return {@code true} if the timer thread has ended (or never started)
     */
    boolean stop(long deadlineNanos) {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
        }
        if (t == null) {
            return true;
        }
        LockSupport.unpark(t);
        if (Scheduler.join(t, deadlineNanos)) {
            return true;
        }
        t.interrupt();
        return Scheduler.join(t, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    }

    private long now() {
        return System.nanoTime() - origin;
    }

    // ------------------------------------------------------------------------------------------ timer thread

    private void loop() {
        try {
            while (!stopped) {
                drainQueues();
                long currentTick = now() / tickNanos;
                if (currentTick - nextTick >= slots.length) {
                    // more than a whole turn late: one pass over every slot fires everything due
                    for (int i = 0; i < slots.length; i++) {
                        expire(i, currentTick);
                    }
                    nextTick = currentTick + 1;
                } else {
                    while (nextTick <= currentTick) {
                        expire((int) (nextTick & mask), nextTick);
                        nextTick++;
                    }
                }
                Thread.interrupted(); // a task's leftover interrupt would turn the parks below into a busy loop
                waitForNextTick();
            }
        } finally {
            cancelEverything();
        }
    }

    private void waitForNextTick() {
        if (linked == 0) {
            sleeping = true; // sv, then the lv of the queues: Dekker with add()
            if (!ActorCell.hasPending(incoming) && !ActorCell.hasPending(cancellations) && !stopped) {
                LockSupport.park(this);
            }
            sleeping = false;
            nextTick = Math.max(nextTick, now() / tickNanos); // the wheel was empty: no tick to replay
            return;
        }
        long wait = nextTick * tickNanos - now();
        if (wait > 0) {
            LockSupport.parkNanos(this, wait);
        }
    }

    private void drainQueues() {
        // cancellations first: an entry cancelled before it was linked is then skipped by the insert
        TimerEntry e;
        while ((e = cancellations.relaxedPoll()) != null) {
            if (e.slotIndex >= 0) {
                unlink(e);
            }
            e.release();
        }
        while ((e = incoming.relaxedPoll()) != null) {
            if (e.state() == TimerEntry.PENDING) {
                insert(e, nextTick);
            } else {
                e.release();
            }
        }
    }

    /**
     * Links an entry into the slot of its deadline's tick, but no earlier than {@code minTick}: the next tick
     * still to be processed (a tick being processed must not receive entries, or they would wait a turn).
     */
    private void insert(TimerEntry e, long minTick) {
        long tick = tickOf(e);
        if (tick < minTick) {
            tick = minTick; // already due: the slot of the next tick, where expire finds its own tick behind
        }
        int i = (int) (tick & mask);
        TimerEntry head = slots[i];
        e.prev = null;
        e.next = head;
        if (head != null) {
            head.prev = e;
        }
        slots[i] = e;
        e.slotIndex = i;
        linked++;
    }

    /** The tick at which {@code e} is due: its deadline rounded up to a tick (never early). Not kept in the entry. */
    private long tickOf(TimerEntry e) {
        return e.deadline / tickNanos + (e.deadline % tickNanos == 0 ? 0 : 1);
    }

    private void unlink(TimerEntry e) {
        int i = e.slotIndex;
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            slots[i] = e.next;
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.slotIndex = -1;
        linked--;
    }

    private void expire(int slot, long tick) {
        TimerEntry e = slots[slot];
        while (e != null) {
            TimerEntry next = e.next;
            if (tickOf(e) <= tick) { // an entry inserted as already due has a tick behind its slot's: fires
                unlink(e);
                fire(e, tick);
            }
            e = next;
        }
    }

    private void fire(TimerEntry e, long tick) {
        if (e.period == 0) {
            if (e.markFired()) {
                pending.decrementAndGet();
                run(e);
            }
            e.release();
            return;
        }
        if (e.state() != TimerEntry.PENDING) {
            return; // cancelled: its cancellation releases it
        }
        if (!run(e)) { // its actor stopped: the timer ends by itself
            if (e.markCancelled()) {
                pending.decrementAndGet();
            }
            e.release();
            return;
        }
        long now = now();
        long missed = Math.max(0, (now - e.deadline) / e.period);
        long next = e.deadline + (missed + 1) * e.period; // fixed rate; late firings are skipped, not bunched
        e.deadline = next < e.deadline ? Long.MAX_VALUE : next;
        if (e.state() == TimerEntry.PENDING) {
            insert(e, tick + 1); // a period shorter than a tick fires once per tick
        }
    }

    /** @return {@code false} if the target actor is dead */
    @SuppressWarnings("unchecked")
    private boolean run(TimerEntry e) {
        Object target = e.target;
        if (e.message == null) {
            try {
                ((Runnable) target).run();
            } catch (Throwable t) {
                if (LOG.isLoggable(System.Logger.Level.WARNING)) {
                    LOG.log(System.Logger.Level.WARNING, "timer task " + target + " of " + system.name()
                            + " threw; other timers are not affected", t);
                }
            }
            return true;
        }
        return ((ActorRef<Object>) target).tell(e.message) != TellResult.DEAD;
    }

    private void cancelEverything() {
        for (int i = 0; i < slots.length; i++) {
            TimerEntry e = slots[i];
            while (e != null) {
                TimerEntry next = e.next;
                if (e.markCancelled()) {
                    pending.decrementAndGet();
                }
                e.release();
                e.slotIndex = -1;
                e = next;
            }
            slots[i] = null;
        }
        linked = 0;
        TimerEntry e;
        while ((e = incoming.relaxedPoll()) != null) {
            if (e.markCancelled()) {
                pending.decrementAndGet();
            }
            e.release();
        }
        while ((e = cancellations.relaxedPoll()) != null) {
            e.release();
        }
    }
}
