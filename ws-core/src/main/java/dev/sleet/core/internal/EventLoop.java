package dev.sleet.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * One I/O thread with its selector: it owns the sockets registered with it, reads into one buffer
 * shared by all of them, writes queued frames, and runs short tasks handed to it by other threads. It never
 * runs user code.
 *
 * <p>Cross-thread hand-offs (tasks and flush requests) go through MPSC queues; the selector is woken only when
 * the loop has announced that it is about to block, and only by the first producer that sees this, so a burst
 * of sends to one loop costs one {@code wakeup()}.
 */
public final class EventLoop implements Runnable {
    /** Size of the loop's read buffer: one read hands up to this many bytes to the parser. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;
    /** Size of the loop's write staging buffer: one gathering copy per flush, one syscall. */
    static final int WRITE_BUFFER_SIZE = 256 * 1024;

    private static final int AWAKE = 0;
    private static final int SELECTING = 1;
    private static final VarHandle WAKE_STATE;

    static {
        try {
            WAKE_STATE = MethodHandles.lookup().findVarHandle(EventLoop.class, "wakeState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final Selector selector;
    private final Thread thread;
    /** JCTools' field-updater (no {@code sun.misc.Unsafe}) MPSC queues: offer CASes the producer index. */
    private final MpscUnboundedAtomicArrayQueue<Runnable> tasks = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final MpscUnboundedAtomicArrayQueue<Flushable> flushes = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final System.Logger log = System.getLogger(EventLoop.class.getName());

    /** Shared by every connection of this loop; only this loop's thread touches it. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Staging for writes; only this loop's thread touches it. */
    final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);
    /** Ciphertext scratch for TLS connections of this loop; allocated on first use, loop thread only. */
    ByteBuffer tlsNetIn;
    ByteBuffer tlsNetOut;

    @SuppressWarnings("unused") // accessed through WAKE_STATE
    private volatile int wakeState = AWAKE;
    private volatile boolean running = true;
    /** Loop time, read once per iteration (nanoTime), for cheap "last read" stamps. */
    private long now = System.nanoTime();
    /** Whether the current select has handed this loop a ready key yet (loop thread only). */
    private boolean readyInThisSelect;
    /** What the selector calls for each ready key (made once: no allocation per select). */
    private final java.util.function.Consumer<SelectionKey> readyAction = this::onReady;

    /**
     * Whatever the loop runs on behalf of one connection (or listener) is guarded: when it throws, the loop calls
     * {@link #failed} of its owner, which fails that owner alone (an HTTP status before the upgrade, 1011 after it)
     * and frees what it holds. The loop itself goes on.
     */
    public interface Guarded {
        /** A task of this owner threw {@code t} on the loop. Must not throw; runs on the loop. */
        void failed(Throwable t);
    }

    /** Something the loop can be asked to flush from another thread. */
    public interface Flushable extends Guarded {
        /** Runs on the loop: writes what is queued. */
        void flush();
    }

    /** Per-key callbacks, run on the loop thread. */
    public interface Handler extends Guarded {
        /** The key is ready for the operations in {@code readyOps}. */
        void ready(SelectionKey key, int readyOps);
    }

    /** A task run for {@code owner}: a failure fails the owner, not the loop. */
    private record OwnedTask(Guarded owner, Runnable task) implements Runnable {
        @Override
        public void run() {
            try {
                task.run();
            } catch (Throwable t) {
                fail(owner, t);
            }
        }
    }

    private static void fail(Guarded owner, Throwable t) {
        try {
            owner.failed(t);
        } catch (Throwable again) {
            System.getLogger(EventLoop.class.getName()).log(System.Logger.Level.ERROR,
                    "failing " + owner + " failed too", again);
        }
    }

    public EventLoop(String name, ThreadFactoryWithName threads) {
        this.name = name;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for " + name, e);
        }
        this.thread = threads.newThread(name, this);
    }

    /** Creates threads for loops; lets the server name and daemonize them. */
    @FunctionalInterface
    public interface ThreadFactoryWithName {
        Thread newThread(String name, Runnable body);
    }

    public void start() {
        thread.start();
    }

    public String name() {
        return name;
    }

    /** True when called from this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop's clock, refreshed once per iteration; only meaningful on the loop thread. */
    long now() {
        return now;
    }

    /** Runs {@code task} on the loop: at once if already there, otherwise soon. */
    public void execute(Runnable task) {
        if (inLoop()) {
            task.run();
        } else {
            tasks.offer(task);
            wakeup();
        }
    }

    /** Runs {@code task} for {@code owner} on the loop (at once if already there); a failure fails the owner. */
    public void execute(Guarded owner, Runnable task) {
        if (inLoop()) {
            new OwnedTask(owner, task).run();
        } else {
            tasks.offer(new OwnedTask(owner, task));
            wakeup();
        }
    }

    /** {@link #executeLater(Runnable)} for {@code owner}: a failure fails the owner. */
    public void executeLater(Guarded owner, Runnable task) {
        executeLater(new OwnedTask(owner, task));
    }

    /** Queues {@code task} for the loop even when called from it (runs after the current event). */
    public void executeLater(Runnable task) {
        tasks.offer(task);
        if (!inLoop()) {
            wakeup();
        }
    }

    /** Asks the loop to call {@link Flushable#flush()}; callers coalesce so each flushable is queued once. */
    public void requestFlush(Flushable target) {
        flushes.offer(target);
        if (!inLoop()) {
            WakeBatch batch = WAKE_BATCH.get();
            if (batch.depth > 0) {
                batch.add(this); // woken once when the batch ends
            } else {
                wakeup();
            }
        }
    }

    private static final ThreadLocal<WakeBatch> WAKE_BATCH = ThreadLocal.withInitial(WakeBatch::new);

    /**
     * Flush requests made by one thread between {@link #beginWakeBatch()} and {@link #endWakeBatch(WakeBatch)} queue
     * their connections at once but wake each loop only once, at the end. A broadcast from a handler to a thousand
     * members on two loops thus costs two selector wake-ups, not one each time a loop has caught up and gone back
     * to sleep (which profiles of fan-out showed as the top cost). Used around a connection actor's turn on a
     * worker thread; never around code that may block.
     */
    static final class WakeBatch {
        private int depth;
        private EventLoop[] loops = new EventLoop[4];
        private int count;

        private void add(EventLoop loop) {
            for (int i = 0; i < count; i++) {
                if (loops[i] == loop) {
                    return;
                }
            }
            if (count == loops.length) {
                loops = java.util.Arrays.copyOf(loops, count * 2);
            }
            loops[count++] = loop;
        }
    }

    /** Starts (or nests) a wake-up batch on the current thread. */
    static WakeBatch beginWakeBatch() {
        WakeBatch batch = WAKE_BATCH.get();
        batch.depth++;
        return batch;
    }

    /** Ends a batch started by {@link #beginWakeBatch()}; the outermost end wakes every loop that was asked. */
    static void endWakeBatch(WakeBatch batch) {
        if (--batch.depth > 0) {
            return;
        }
        for (int i = 0; i < batch.count; i++) {
            EventLoop loop = batch.loops[i];
            batch.loops[i] = null;
            loop.wakeup();
        }
        batch.count = 0;
    }

    /** Registers {@code channel} with this loop's selector; must run on the loop. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        assert inLoop();
        return channel.register(selector, ops, handler);
    }

    private void wakeup() {
        // Only the producer that flips SELECTING -> AWAKE pays for the wakeup syscall.
        if ((int) WAKE_STATE.getVolatile(this) == SELECTING && WAKE_STATE.compareAndSet(this, SELECTING, AWAKE)) {
            selector.wakeup();
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                WAKE_STATE.setVolatile(this, SELECTING);
                readyInThisSelect = false;
                // The volatile write above orders before these reads: a producer either sees SELECTING (and wakes
                // us) or we see its item here.
                if (!hasPending(tasks) && !hasPending(flushes)) {
                    selector.select(readyAction, 1000);
                } else {
                    selector.selectNow(readyAction);
                }
                if (!readyInThisSelect) {
                    WAKE_STATE.setVolatile(this, AWAKE);
                    now = System.nanoTime();
                }
                runTasks();
                runFlushes();
            }
        } catch (ClosedSelectorException ignored) {
            // stopping
        } catch (Throwable t) {
            log.log(System.Logger.Level.ERROR, name + " stopped by an unexpected error", t);
        } finally {
            closeAll();
        }
    }

    /**
     * Whether a producer has claimed a place the loop has not drained yet. Not {@code q.isEmpty()}: JCTools
     * halves the index difference there, so a producer growing the queue by a chunk (producer index odd until
     * it publishes the new chunk) reads as "empty" and its wake-up could be missed until the select timeout.
     * Two volatile reads of the raw indices, after the volatile write of {@code WAKE_STATE}.
     */
    private static boolean hasPending(MpscUnboundedAtomicArrayQueue<?> q) {
        return q.lvProducerIndex() != q.lvConsumerIndex();
    }

    /**
     * Called by the selector for each ready key, during {@code select}: no selected-key set is filled and emptied
     * (the JDK's set allocates a node per ready key and select). The selector's state is still AWAKE-pending here:
     * producers that see SELECTING wake a selector that is already returning, which costs one spare wake-up at most.
     */
    private void onReady(SelectionKey key) {
        if (!readyInThisSelect) {
            readyInThisSelect = true;
            WAKE_STATE.setVolatile(this, AWAKE); // events came in: producers need not wake this select
            now = System.nanoTime();
        }
        if (!key.isValid()) {
            return;
        }
        Handler handler = (Handler) key.attachment();
        try {
            handler.ready(key, key.readyOps());
        } catch (Throwable t) {
            fail(handler, t); // fails that connection (or listener) alone
        }
    }

    private void runTasks() {
        tasks.drain(task -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.log(System.Logger.Level.ERROR, name + ": task failed", t);
            }
        }, 4096);
    }

    private void runFlushes() {
        flushes.drain(target -> {
            try {
                target.flush();
            } catch (Throwable t) {
                fail(target, t);
            }
        }, 65536);
    }

    /** Stops the loop; registered channels are closed. Waits up to {@code timeoutMillis}. */
    public boolean stop(long timeoutMillis) throws InterruptedException {
        running = false;
        selector.wakeup();
        if (inLoop()) {
            return false;
        }
        // Join, not only await the latch: once stop returns true the thread is gone, not merely about to go.
        thread.join(timeoutMillis);
        return !thread.isAlive();
    }

    private void closeAll() {
        runTasks();
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /** Calls {@code action} with each registered key's handler; must run on the loop. */
    void forEachHandler(java.util.function.Consumer<Handler> action) {
        assert inLoop();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Handler h) {
                action.accept(h);
            }
        }
    }

    /** Number of channels registered with this loop (for tests and metrics). */
    public int registeredCount() {
        return selector.keys().size();
    }

    @Override
    public String toString() {
        return name;
    }
}
