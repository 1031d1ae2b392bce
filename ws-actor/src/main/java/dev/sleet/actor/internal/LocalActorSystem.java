package dev.sleet.actor.internal;

import dev.sleet.actor.Actor;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.ActorSystem;
import dev.sleet.actor.MailboxOverflowPolicy;
import dev.sleet.actor.ShutdownResult;
import dev.sleet.actor.SpawnOptions;
import dev.sleet.actor.SystemMetrics;
import dev.sleet.actor.TellResult;
import dev.sleet.actor.Timers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link ActorSystem} of this JVM: a {@link Scheduler} with its workers, a {@link TimerWheel}, an
 * executor of virtual threads for blocking actors, the {@link Registry} of live actors and the counters.
 */
public final class LocalActorSystem implements ActorSystem {

    static final System.Logger LOG = System.getLogger("dev.sleet.actor");

    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;

    private static final VarHandle LIFECYCLE;

    static {
        try {
            LIFECYCLE = MethodHandles.lookup().findVarHandle(LocalActorSystem.class, "lifecycle", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SystemConfig config;
    final Scheduler scheduler;
    private final TimerWheel timers;
    private final Registry registry;
    private final ExecutorService virtualThreads;
    private final String virtualThreadPrefix;
    private final AtomicInteger virtualThreadsRunning = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<ShutdownResult> termination = new CompletableFuture<>();
    private final java.util.function.BooleanSupplier accepting = this::isRunning;

    private final LongAdder spawned = new LongAdder();
    private final LongAdder stopped = new LongAdder();
    private final LongAdder crashes = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();
    private final LongAdder discardedAtStop = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder virtualProcessed = new LongAdder();

    private volatile int lifecycle = RUNNING;

    /**
     * Starts a system; its workers start at once.
     *
     * @param config the checked settings
     */
    public LocalActorSystem(SystemConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = new Registry(config.workers());
        this.scheduler = new Scheduler(this, config);
        this.timers = new TimerWheel(this, config);
        this.virtualThreadPrefix = config.name() + "-vt-";
        this.virtualThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(virtualThreadPrefix, 0).factory());
        scheduler.start();
    }

    // ------------------------------------------------------------------------------------------ ActorSystem

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int workers() {
        return config.workers();
    }

    @Override
    public <M> ActorRef<M> spawn(Actor<M> actor) {
        return spawn(actor, SpawnOptions.defaults());
    }

    @Override
    public <M> ActorRef<M> spawn(Actor<M> actor, SpawnOptions options) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(options, "options");
        ActorCell<M> cell = new ActorCell<>(this, ids.incrementAndGet(), actor, options);
        if (!registry.add(cell, accepting)) {
            throw new IllegalStateException("actor system '" + name() + "' is shut down; cannot spawn");
        }
        spawned.increment();
        cell.dispatch(); // born SCHEDULED: its first turn runs onStart
        return cell;
    }

    @Override
    public Timers timers() {
        return timers;
    }

    @Override
    public SystemMetrics metrics() {
        long st = stopped.sum();
        long sp = spawned.sum();
        return new SystemMetrics(config.workers(), Math.max(0, sp - st), sp, st,
                scheduler.processed() + virtualProcessed.sum(), crashes.sum(), restarts.sum(), deadLetters.sum(),
                rejected.sum(), dropped.sum(), timers.pending());
    }

    @Override
    public boolean isRunning() {
        return lifecycle == RUNNING;
    }

    @Override
    public void close() {
        shutdown(config.closeTimeout());
    }

    @Override
    public boolean ownsThread(Thread thread) {
        return isOwnThread(thread);
    }

    @Override
    public CompletableFuture<ShutdownResult> shutdownAsync(Duration timeout) {
        SystemConfig.positive(timeout, "timeout");
        CompletableFuture<ShutdownResult> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(shutdown(timeout));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name() + "-shutdown");
        t.setDaemon(false);
        t.start();
        return f;
    }

    @Override
    public ShutdownResult shutdown(Duration timeout) {
        SystemConfig.positive(timeout, "timeout");
        if (isOwnThread(Thread.currentThread())) {
            throw new IllegalStateException("shutdown() called from a thread of actor system '" + name()
                    + "' would wait for itself; use shutdownAsync()");
        }
        if (!LIFECYCLE.compareAndSet(this, RUNNING, SHUTTING_DOWN)) {
            return termination.join();
        }
        try {
            ShutdownResult r = doShutdown(timeout);
            termination.complete(r);
            return r;
        } catch (Throwable t) {
            termination.completeExceptionally(t);
            throw t;
        } finally {
            lifecycle = TERMINATED;
        }
    }

    @Override
    public String toString() {
        return "ActorSystem[" + name() + ", workers=" + workers() + ", live=" + metrics().liveActors() + "]";
    }

    private ShutdownResult doShutdown(Duration timeout) {
        long t0 = System.nanoTime();
        long timeoutNanos = SystemConfig.saturatedNanos(timeout);
        long graceNanos = Math.min(timeoutNanos, TimeUnit.SECONDS.toNanos(1));
        long deadline = saturatedAdd(t0, timeoutNanos);
        long processedBefore = scheduler.processed() + virtualProcessed.sum();
        long discardedBefore = discardedAtStop.sum();
        long stoppedBefore = stopped.sum();

        // 1. refuse messages at once (as the API promises from the moment the shutdown begins); what is queued is
        //    still handled below (spawn already fails: the lifecycle changed)
        List<ActorCell<?>> cells = registry.snapshot();
        for (ActorCell<?> c : cells) {
            c.close();
        }

        // 2. pending timers never fire; the timer thread ends
        boolean timerEnded = timers.stop(saturatedAdd(System.nanoTime(), graceNanos));

        // 3. the queued messages are handled, then each actor stops
        boolean forced = !awaitNoLiveActors(deadline);

        // 4. out of time: stop the rest without handling their mailboxes
        if (forced) {
            for (ActorCell<?> c : registry.snapshot()) {
                c.requestExit(dev.sleet.actor.ExitReason.SHUTDOWN);
            }
            awaitNoLiveActors(saturatedAdd(deadline, graceNanos));
        }

        // 5. join every thread
        long joinDeadline = saturatedAdd(System.nanoTime(), graceNanos);
        virtualThreads.shutdown();
        boolean virtualEnded = awaitVirtual(joinDeadline);
        if (!virtualEnded) {
            virtualThreads.shutdownNow(); // interrupt handlers that block
            virtualEnded = awaitVirtual(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        }
        int workersAlive = scheduler.stop(joinDeadline);
        if (!timerEnded) {
            timerEnded = !timers.isThreadAlive();
        }
        int threadsAlive = workersAlive + (timerEnded ? 0 : 1) + virtualThreadsRunning.get();
        long live = Math.max(0, spawned.sum() - stopped.sum());

        ShutdownResult.Outcome outcome = live > 0 || threadsAlive > 0 ? ShutdownResult.Outcome.INCOMPLETE
                : forced ? ShutdownResult.Outcome.FORCED : ShutdownResult.Outcome.DRAINED;
        ShutdownResult r = new ShutdownResult(outcome, stopped.sum() - stoppedBefore,
                scheduler.processed() + virtualProcessed.sum() - processedBefore,
                discardedAtStop.sum() - discardedBefore, live, threadsAlive,
                Duration.ofNanos(System.nanoTime() - t0));
        if (outcome != ShutdownResult.Outcome.DRAINED && LOG.isLoggable(System.Logger.Level.WARNING)) {
            LOG.log(System.Logger.Level.WARNING, "actor system {0} shut down: {1}", name(), r);
        }
        return r;
    }

    private boolean awaitNoLiveActors(long deadlineNanos) {
        long pause = TimeUnit.MICROSECONDS.toNanos(50);
        while (spawned.sum() - stopped.sum() > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true;
    }

    private boolean awaitVirtual(long deadlineNanos) {
        try {
            long left = deadlineNanos - System.nanoTime();
            return virtualThreads.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private boolean isOwnThread(Thread t) {
        if (t instanceof Worker w && w.scheduler == scheduler) {
            return true;
        }
        if (timers.isTimerThread(t)) {
            return true;
        }
        return t.isVirtual() && t.getName().startsWith(virtualThreadPrefix);
    }

    // ------------------------------------------------------------------------------------------ for cells

    /** Runs a virtual-thread actor's busy period on a fresh virtual thread. */
    void startVirtual(ActorCell<?> cell) {
        try {
            virtualThreads.execute(() -> {
                virtualThreadsRunning.incrementAndGet();
                try {
                    cell.runOnVirtualThread();
                } finally {
                    virtualThreadsRunning.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            // only after a shutdown gave up on this actor; it cannot run any more
            if (LOG.isLoggable(System.Logger.Level.WARNING)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: no virtual thread for {1} after shutdown", name(), cell);
            }
        }
    }

    TellResult deadLetter() {
        deadLetters.increment();
        return TellResult.DEAD;
    }

    TellResult overflow(MailboxOverflowPolicy policy) {
        if (policy == MailboxOverflowPolicy.REJECT) {
            rejected.increment();
            return TellResult.MAILBOX_FULL;
        }
        dropped.increment();
        return TellResult.DROPPED;
    }

    void countProcessed(Worker worker, int n) {
        if (n == 0) {
            return;
        }
        if (worker != null) {
            worker.addProcessed(n);
        } else {
            virtualProcessed.add(n);
        }
    }

    void countRestart() {
        restarts.increment();
    }

    void reportCrash(ActorCell<?> cell, Throwable t) {
        crashes.increment();
        if (LOG.isLoggable(System.Logger.Level.WARNING)) {
            LOG.log(System.Logger.Level.WARNING, "actor " + cell + " crashed", t);
        }
    }

    void reportStopFailure(ActorCell<?> cell, Throwable t) {
        crashes.increment();
        if (LOG.isLoggable(System.Logger.Level.WARNING)) {
            LOG.log(System.Logger.Level.WARNING, "onStop of actor " + cell + " threw; it stops anyway", t);
        }
    }

    void actorStopped(ActorCell<?> cell, long discarded) {
        registry.remove(cell);
        if (discarded > 0) {
            deadLetters.add(discarded);
            discardedAtStop.add(discarded);
        }
        stopped.increment();
    }
}
