package dev.sleet.actor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The M:N dispatcher: a fixed set of {@link Worker}s runs every scheduled actor.
 *
 * <h2>Where scheduled actors wait</h2>
 * An actor scheduled by a foreign thread (an event loop, the timer, a virtual thread) goes to the shared
 * {@link #global} queue, a JDK {@link ConcurrentLinkedQueue} (MPMC, lock-free; JCTools has no unbounded MPMC
 * queue without {@code sun.misc.Unsafe}). An actor scheduled by an actor running on a worker goes to that
 * worker's one-place {@linkplain Worker#slot slot} and runs right after the current actor, on the same core
 * (a ping-pong never leaves the core); whatever was in the slot moves to the global queue. An idle worker
 * about to park steals slots, so a worker stuck in a long handler cannot hold the actor in its slot hostage.
 *
 * <h2>Waking workers</h2>
 * A worker out of work first <em>searches</em> (spins, then yields, for a few microseconds) and then parks
 * on the {@linkplain #idleTop idle stack}. A submitter wakes one parked worker only when no worker is
 * searching: the searcher will find the work. Wake-ups are thereby coalesced; a woken worker counts as a
 * searcher from the moment it is chosen, and the last searcher to find work wakes a successor if more work
 * is queued. The lost-wake-up race is closed Dekker-style: a submitter publishes the work and then reads
 * {@link #searchers}; a worker leaving the search decrements it, pushes itself on the idle stack and then
 * looks for work once more.
 */
final class Scheduler {

    private static final System.Logger LOG = System.getLogger("dev.sleet.actor");

    /** Busy-spin rounds of a searching worker (each one {@link Thread#onSpinWait()}). */
    static final int SPINS = 64;
    /** Then this many {@link Thread#yield()} rounds before parking. */
    static final int YIELDS = 16;
    /** A worker runs at most this many actors in a row from its slot before it looks at the global queue. */
    static final int SLOT_STREAK = 32;

    /** The low 16 bits of {@link #idleTop}: the top worker's index + 1. */
    private static final long IDLE_INDEX_MASK = 0b1111_1111_1111_1111L;
    /** The stamp of {@link #idleTop} sits above the index. */
    private static final int STAMP_SHIFT = 16;

    private static final VarHandle SEARCHERS;
    private static final VarHandle IDLE_TOP;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEARCHERS = l.findVarHandle(Scheduler.class, "searchers", int.class);
            IDLE_TOP = l.findVarHandle(Scheduler.class, "idleTop", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final LocalActorSystem system;
    final int batchSize;
    final Worker[] workers;
    /** offer: a CAS on the tail node; isEmpty/poll: volatile reads from the head (both sides of the Dekker checks). */
    final ConcurrentLinkedQueue<ActorCell<?>> global = new ConcurrentLinkedQueue<>();

    private volatile boolean running = true;
    /** Workers searching for work (spinning), including those chosen to wake up. */
    private volatile int searchers;
    /**
     * The idle stack of parked workers: bits 0-15 hold the top worker's index + 1 (0 = empty), the rest a
     * version stamp bumped on every push and pop, so that a pop never succeeds on a stale top (ABA).
     */
    private volatile long idleTop;

    Scheduler(LocalActorSystem system, SystemConfig config) {
        this.system = system;
        this.batchSize = config.batchSize();
        this.workers = new Worker[config.workers()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i, config.name() + "-worker-" + i, config.daemon());
        }
    }

    void start() {
        for (Worker w : workers) {
            w.start();
        }
    }

    boolean isRunning() {
        return running;
    }

    /** Queues an owned actor to run, and wakes a worker if none is awake to find it. */
    void submit(ActorCell<?> cell) {
        if (Thread.currentThread() instanceof Worker w && w.scheduler == this) {
            ActorCell<?> bumped = w.putSlot(cell);
            if (bumped != null) {
                global.offer(bumped);
            }
        } else {
            global.offer(cell);
        }
        signalWork();
    }

    /** Requeues an actor that used up its batch, behind everyone already waiting. */
    void requeue(ActorCell<?> cell) {
        global.offer(cell);
        signalWork();
    }

    /** Wakes one parked worker unless a worker is already searching (which will find the new work). */
    void signalWork() {
        if (searchers != 0 || (idleTop & IDLE_INDEX_MASK) == 0) { // lv, lv: after the work was published
            return;
        }
        wakeOne();
    }

    /** Pops a parked worker, counts it as a searcher and unparks it. */
    void wakeOne() {
        Worker w = popIdle();
        if (w == null) {
            return;
        }
        SEARCHERS.getAndAdd(this, 1); // the woken worker searches from now on: later submitters need not wake more
        w.signalled = true; // sv: read by the worker after it unparks
        LockSupport.unpark(w);
    }

    void addSearcher() {
        SEARCHERS.getAndAdd(this, 1);
    }

    /** @return the searchers left */
    int removeSearcher() {
        return (int) SEARCHERS.getAndAdd(this, -1) - 1;
    }

    /** Whether any actor waits anywhere: in the global queue or in a worker's slot. */
    boolean hasQueuedWork() {
        if (!global.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (w.slot != null) {
                return true;
            }
        }
        return false;
    }

    /** Takes the actor from another worker's slot, if any. */
    ActorCell<?> steal(Worker thief) {
        int n = workers.length;
        for (int i = 1; i < n; i++) {
            Worker victim = workers[(thief.index + i) % n];
            ActorCell<?> c = victim.stealSlot();
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    void pushIdle(Worker w) {
        long top;
        long next;
        do {
            top = idleTop;
            w.nextIdle = (int) (top & IDLE_INDEX_MASK); // published by the CAS below
            next = (((top >>> STAMP_SHIFT) + 1) << STAMP_SHIFT) | (w.index + 1);
        } while (!IDLE_TOP.compareAndSet(this, top, next));
    }

    private Worker popIdle() {
        for (;;) {
            long top = idleTop;
            int i = (int) (top & IDLE_INDEX_MASK);
            if (i == 0) {
                return null;
            }
            Worker w = workers[i - 1];
            long next = (((top >>> STAMP_SHIFT) + 1) << STAMP_SHIFT) | w.nextIdle; // read after the lv of top
            if (IDLE_TOP.compareAndSet(this, top, next)) { // cas: the stamp rejects a top popped and pushed again
                return w;
            }
        }
    }

    /**
     * Stops the workers once the actors are gone: each finishes its current turn and exits. Waits until
     * {@code deadlineNanos}, then interrupts the workers still running and waits 100 ms more.
     *
     * @return how many workers are still alive
     */
    int stop(long deadlineNanos) {
        running = false;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        int alive = 0;
        for (Worker w : workers) {
            if (!join(w, deadlineNanos)) {
                w.interrupt();
                if (!join(w, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100))) {
                    alive++;
                    if (LOG.isLoggable(System.Logger.Level.WARNING)) {
                        LOG.log(System.Logger.Level.WARNING, "{0} did not stop: a handler blocks", w.getName());
                    }
                }
            }
        }
        return alive;
    }

    static boolean join(Thread t, long deadlineNanos) {
        boolean interrupted = false;
        try {
            for (;;) {
                long left = deadlineNanos - System.nanoTime();
                if (!t.isAlive()) {
                    return true;
                }
                if (left <= 0) {
                    return false;
                }
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long processed() {
        long sum = 0;
        for (Worker w : workers) {
            sum += w.processed();
        }
        return sum;
    }
}
