package dev.sleet.actor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A worker thread of the {@link Scheduler}: takes an actor from its slot or the global queue, runs a turn of
 * it, and when there is nothing to do searches briefly and then parks. The {@code doWork()} + idle-strategy
 * loop of Agrona, with the spin-then-park back-off of a searcher.
 */
final class Worker extends Thread {

    private static final System.Logger LOG = System.getLogger("dev.sleet.actor");

    private static final VarHandle SLOT;
    private static final VarHandle PROCESSED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLOT = l.findVarHandle(Worker.class, "slot", ActorCell.class);
            PROCESSED = l.findVarHandle(Worker.class, "processed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler scheduler;
    final int index;

    /** The actor to run next, put here by actors running on this worker; thieves take it with a CAS. */
    volatile ActorCell<?> slot;
    /** Set by the waker after popping this worker from the idle stack. */
    volatile boolean signalled;
    /** The next worker on the idle stack (index + 1, 0 = none); written before the push CAS. */
    volatile int nextIdle;

    /** Owner-only: whether this worker is counted in {@code Scheduler.searchers}. */
    private boolean searching;
    /** Owner-only: actors run from the slot in a row. */
    private int streak;
    /** Messages handled; written only by this thread (opaque), read by metrics. */
    private long processed;

    Worker(Scheduler scheduler, int index, String name, boolean daemon) {
        super(name);
        this.scheduler = scheduler;
        this.index = index;
        setDaemon(daemon);
    }

    @Override
    public void run() {
        while (scheduler.isRunning()) {
            ActorCell<?> cell = next();
            if (cell != null) {
                endSearch();
                runCell(cell);
            } else {
                idle();
            }
        }
        if (searching) {
            searching = false;
            scheduler.removeSearcher();
        }
    }

    private ActorCell<?> next() {
        ActorCell<?> c;
        if (streak < Scheduler.SLOT_STREAK) {
            c = takeSlot();
            if (c != null) {
                streak++;
                return c;
            }
        }
        streak = 0; // fairness: the global queue gets a look at least every SLOT_STREAK actors
        c = scheduler.global.poll();
        return c != null ? c : takeSlot();
    }

    /** Runs turns of an owned actor until it goes idle or dies, or others are waiting. */
    private void runCell(ActorCell<?> cell) {
        for (;;) {
            int r;
            try {
                r = cell.runBatch(this, scheduler.batchSize);
            } catch (Throwable bug) { // user code cannot get here: runBatch catches it
                if (LOG.isLoggable(System.Logger.Level.ERROR)) {
                    LOG.log(System.Logger.Level.ERROR, "actor runtime failure while running " + cell, bug);
                }
                return;
            } finally {
                // A handler may leave the interrupt flag set (the usual "restore the interrupt" idiom). It
                // must not leak into the next actor, nor turn park() into a busy loop.
                Thread.interrupted();
            }
            if (r != ActorCell.AGAIN) {
                return;
            }
            if (slot == null && scheduler.global.isEmpty()) {
                continue; // nobody is waiting: another turn now costs no fairness
            }
            scheduler.requeue(cell);
            return;
        }
    }

    /** Searches (spin, then yield), steals a slot before giving up, then parks. */
    private void idle() {
        if (!searching) {
            searching = true;
            scheduler.addSearcher();
        }
        for (int i = 0; i < Scheduler.SPINS + Scheduler.YIELDS; i++) {
            if (slot != null || !scheduler.global.isEmpty() || !scheduler.isRunning()) {
                return; // run() takes it and ends the search
            }
            if (i < Scheduler.SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        ActorCell<?> stolen = scheduler.steal(this);
        if (stolen != null) {
            endSearch();
            runCell(stolen);
            return;
        }
        park();
    }

    /** Leaves the search; the last searcher to find work hands the search on if more work waits. */
    private void endSearch() {
        if (!searching) {
            return;
        }
        searching = false;
        if (scheduler.removeSearcher() == 0 && !scheduler.global.isEmpty()) {
            scheduler.signalWork();
        }
    }

    private void park() {
        searching = false;
        scheduler.removeSearcher(); // Dekker, step 1: stop counting as a searcher (a full fence)...
        signalled = false;
        scheduler.pushIdle(this);
        if (scheduler.hasQueuedWork() || !scheduler.isRunning()) { // ...step 2: then look once more
            scheduler.wakeOne(); // someone must take it: perhaps this very worker
        }
        while (!signalled && scheduler.isRunning()) {
            LockSupport.park(scheduler);
        }
        if (signalled) {
            searching = true; // the waker counted this worker as a searcher
        }
    }

    ActorCell<?> putSlot(ActorCell<?> cell) {
        return (ActorCell<?>) SLOT.getAndSet(this, cell); // xchg: a thief may be taking the old one
    }

    private ActorCell<?> takeSlot() {
        if (slot == null) { // lv: skip the xchg when empty
            return null;
        }
        return (ActorCell<?>) SLOT.getAndSet(this, null);
    }

    ActorCell<?> stealSlot() {
        ActorCell<?> c = slot;
        return c != null && SLOT.compareAndSet(this, c, null) ? c : null; // cas: the owner may take it first
    }

    void addProcessed(int n) {
        PROCESSED.setOpaque(this, processed + n); // single writer: no RMW needed, metrics read it opaquely
    }

    long processed() {
        return (long) PROCESSED.getOpaque(this);
    }
}
