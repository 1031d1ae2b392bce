package dev.sleet.core.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The only way bytes leave a connection: one writer at a time moves its {@link Outbound} queue to the {@link Wire}.
 * One state variable decides who that writer is, in the spirit of the JDK's {@code SequentialScheduler}: whoever
 * wins the compare-and-set writes, everyone else leaves a flush request behind.
 *
 * <pre>
 *              loop flush                    socket full
 *   IDLE ─────────────────────► LOOP_WRITING ───────────► WAITING_WRITABLE
 *    ▲ │ ◄──────────────────────┘   ▲                          │
 *    │ │      queue drained         └──────────────────────────┘ OP_WRITE ready
 *    │ │ end of the actor's turn that held ≥ 2 sends (plain socket, or TLS after its handshake with at most 16 KiB
 *    │ │ queued; platform thread)
 *    │ └──────────────────────► ACTOR_WRITING ── socket full or more queued: hand over (flush request)
 *    └──────────────────────────────┘
 *   any state ──► CLOSED (the connection ended; the writer in flight, if any, empties the queue as it leaves)
 * </pre>
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code state}</td><td>loop, the connection's actor</td><td>any</td><td>CAS (VarHandle)</td></tr>
 *   <tr><td>{@code flushRequested}</td><td>any sender (0→1), loop (1→0)</td><td>any</td><td>CAS</td></tr>
 *   <tr><td>{@code wire}</td><td>loop, once, before the first send can exist</td><td>the writer</td>
 *       <td>volatile</td></tr>
 *   <tr><td>{@code turnThread}, {@code heldSends}</td><td>the actor's thread during its turn</td>
 *       <td>that thread</td><td>confined</td></tr>
 *   <tr><td>the queue</td><td colspan="3">see {@link Outbound}: offers from anyone, stage/consume by the
 *       writer that holds LOOP_WRITING or ACTOR_WRITING</td></tr>
 * </table>
 */
public final class Flusher implements EventLoop.Flushable {
    static final int IDLE = 0;
    static final int LOOP_WRITING = 1;
    static final int ACTOR_WRITING = 2;
    static final int WAITING_WRITABLE = 3;
    static final int CLOSED = 4;

    /**
     * Staging for writes made by an actor's worker thread: one direct buffer per worker, so the socket write copies
     * nothing more. Workers are a fixed handful of platform threads.
     */
    static final int DIRECT_STAGING_SIZE = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> WORKER_STAGING =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DIRECT_STAGING_SIZE));
    /** Sends by the connection's own actor held back before a write, even if more messages wait in its mailbox. */
    private static final int MAX_HELD_SENDS = 32;
    /**
     * A turn writes its sends itself only when it held at least this many; a lone reply goes to the loop. With one
     * message in flight on each of many connections, replies written by the loop (from the thread that reads those
     * sockets, batched per loop iteration, while the loop is awake reading anyway) cost 11 % less server CPU per
     * message and carried 14 % more messages than replies written by the workers, with half the context switches;
     * with pipelined messages (a turn handles several and holds several replies) the worker's one write is as
     * cheap or cheaper. See docs/benchmarks.md, "Issue 15, second pass".
     */
    static final int ACTOR_WRITE_MIN_SENDS = 2;

    private static final VarHandle STATE;
    private static final VarHandle FLUSH_REQUESTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Flusher.class, "state", int.class);
            FLUSH_REQUESTED = l.findVarHandle(Flusher.class, "flushRequested", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the flusher needs from its connection; every call is made on the loop unless it says otherwise. */
    interface Owner {
        /** Turns write-readiness events on or off. */
        void writeInterest(boolean on);

        /** The queue is empty and the wire holds nothing: a connection waiting to close may close now. */
        void drained();

        /** Writing failed: the connection is over. */
        void writeFailed(Exception e);

        /** Every failure of a loop task ends its connection (see {@link EventLoop.Guarded}). */
        void failed(Throwable t);

        /**
         * The queue fell below its low-water mark after having reached its high-water mark. Called by whichever
         * thread writes (the loop, or the connection's actor at the end of its turn); it only tells the actor.
         */
        default void becameWritable() {
        }

        /**
         * Sends that asked for a completion are settled: {@code written} reached the wire, {@code abandoned} never
         * will. Either may be null. Called by the writer (or, for abandoned ones, by whoever emptied the queue);
         * it only hands them to the actor, which completes them.
         */
        default void sendsSettled(java.util.List<java.util.concurrent.CompletableFuture<Void>> written,
                java.util.List<java.util.concurrent.CompletableFuture<Void>> abandoned) {
        }
    }

    private final Outbound outbound;
    private final EventLoop loop;
    private final Metrics metrics;
    private final Owner owner;
    private volatile Wire wire;
    @SuppressWarnings("unused") // through STATE
    private volatile int state = IDLE;
    @SuppressWarnings("unused") // through FLUSH_REQUESTED
    private volatile int flushRequested;
    private Thread turnThread;
    private int heldSends;

    Flusher(Outbound outbound, EventLoop loop, Metrics metrics, Owner owner) {
        this.outbound = outbound;
        this.loop = loop;
        this.metrics = metrics;
        this.owner = owner;
    }

    /** The wire is ready (loop, at registration). Until then nothing is written. */
    void attach(Wire w) {
        this.wire = w;
    }

    int state() {
        return (int) STATE.getVolatile(this);
    }

    /** Asks the loop to write (any thread). Coalesced: the connection is queued on its loop at most once. */
    public void requestFlush() {
        if ((int) FLUSH_REQUESTED.getVolatile(this) == 0 && FLUSH_REQUESTED.compareAndSet(this, 0, 1)) {
            loop.requestFlush(this);
        }
    }

    /** A data frame was queued: written at the end of the sender's turn if it is the connection's actor. */
    void afterOffer() {
        if (Thread.currentThread() == turnThread) {
            heldSends++; // written at the end of this turn, together with the others
        } else {
            requestFlush();
        }
    }

    /** A flush request reached the loop. While waiting for the socket, the readiness event does the writing. */
    @Override
    public void flush() {
        FLUSH_REQUESTED.setVolatile(this, 0);
        if (wire != null && STATE.compareAndSet(this, IDLE, LOOP_WRITING)) {
            writeOnLoop();
        }
    }

    /** The socket can take bytes again (loop). */
    void onWritable() {
        // IDLE too: a TLS wire asks for write readiness for its own handshake records.
        if (STATE.compareAndSet(this, WAITING_WRITABLE, LOOP_WRITING) || STATE.compareAndSet(this, IDLE, LOOP_WRITING)) {
            writeOnLoop();
        }
    }

    @Override
    public void failed(Throwable t) {
        owner.failed(t);
    }

    /** Writes until the queue is empty or the socket is full. Loop only, holding LOOP_WRITING. */
    private void writeOnLoop() {
        boolean full = false;
        try {
            Wire w = wire;
            ByteBuffer staging = loop.writeBuffer;
            for (int round = 0; round < 16; round++) {
                if (w.hasPendingOutput() && !w.flushPending()) {
                    full = true;
                    break;
                }
                int r = writeOnce(w, staging);
                if (r != WROTE_ALL) {
                    full = r == SOCKET_FULL;
                    break;
                }
            }
            if (!full && (!outbound.isEmpty() || w.hasPendingOutput())) {
                full = true; // 16 rounds were not enough, or the wire keeps records back: wait for the socket
            }
        } catch (IOException | RuntimeException e) {
            STATE.compareAndSet(this, LOOP_WRITING, IDLE);
            owner.writeFailed(e);
            return;
        }
        if (full) {
            if (STATE.compareAndSet(this, LOOP_WRITING, WAITING_WRITABLE)) {
                owner.writeInterest(true);
            }
            return;
        }
        if (STATE.compareAndSet(this, LOOP_WRITING, IDLE)) {
            owner.writeInterest(false);
            if (outbound.isSealed() && outbound.isEmpty()) {
                owner.drained();
            }
        }
    }

    // --------------------------------------------------------------------------------------------------------
    // The connection's actor (its worker thread)
    // --------------------------------------------------------------------------------------------------------

    /** Whether the current thread is the connection's actor, inside a turn. */
    boolean inTurn() {
        return turnThread == Thread.currentThread();
    }

    /** The connection's actor starts handling one event on the current thread. */
    void beginTurn() {
        turnThread = Thread.currentThread();
    }

    /**
     * The connection's actor finished one event. Sends it made are written now if its mailbox is empty (or many
     * are held): like a flush at the end of a read batch, one write carries every reply. When the turn held
     * {@value #ACTOR_WRITE_MIN_SENDS} or more sends on a wire that takes writes from any thread (a plain socket; TLS
     * once its handshake is done, wrapped here), the write is made right here, non-blocking, which spares the
     * hand-off to the loop; a single send is handed to the loop.
     */
    void endOfTurn(boolean mailboxEmpty) {
        turnThread = null;
        if (heldSends == 0 || !mailboxEmpty && heldSends < MAX_HELD_SENDS) {
            return; // a held send waits for the next event's end (the mailbox is not empty), or any flush request
        }
        int held = heldSends;
        heldSends = 0;
        Wire w = wire;
        if (held < ACTOR_WRITE_MIN_SENDS || w == null || !w.writableFromAnyThread() || outbound.isSealed()
                || outbound.queuedBytes() > w.maxActorWriteBytes()
                || Thread.currentThread().isVirtual() || !STATE.compareAndSet(this, IDLE, ACTOR_WRITING)) {
            requestFlush(); // a lone send, a TLS handshake or large TLS batch, closing, virtual threads, or another
            return;         // writer: the loop writes
        }
        writeAsActor(w);
    }

    private static final int NOTHING_QUEUED = 0;
    private static final int WROTE_ALL = 1;
    private static final int SOCKET_FULL = 2;

    /**
     * One gathering write by the thread holding the writer state: copies what is queued into {@code staging}, writes
     * it, and counts what the socket took. Always consumes (even 0 bytes), which ends the queue's in-flight mark.
     */
    private int writeOnce(Wire w, ByteBuffer staging) throws IOException {
        staging.clear();
        int staged = outbound.stage(staging);
        if (staged == 0) {
            return NOTHING_QUEUED;
        }
        staging.flip();
        int written = w.write(staging);
        int report = outbound.consume(written);
        metrics.bytesOut.add(written);
        if (report != 0) {
            afterConsume(report); // only when a producer asked for completions or writability
        }
        return written < staged ? SOCKET_FULL : WROTE_ALL;
    }

    private void afterConsume(int report) {
        if ((report & Outbound.COMPLETIONS_WRITTEN) != 0) {
            owner.sendsSettled(outbound.takeWritten(), null);
        }
        if ((report & Outbound.BECAME_WRITABLE) != 0) {
            owner.becameWritable();
        }
    }

    /** Empties the queue for good and fails the completions still waiting in it. */
    private void clearQueue() {
        outbound.clear();
        java.util.List<java.util.concurrent.CompletableFuture<Void>> abandoned = outbound.takeAbandoned();
        if (abandoned != null) {
            owner.sendsSettled(null, abandoned);
        }
    }

    /** Holding ACTOR_WRITING: a few non-blocking writes, then hand back. */
    private void writeAsActor(Wire w) {
        boolean handOver = false;
        try {
            ByteBuffer staging = WORKER_STAGING.get();
            for (int round = 0; round < 4; round++) {
                int r = writeOnce(w, staging);
                if (r != WROTE_ALL) {
                    handOver = r == SOCKET_FULL; // the socket is full: the loop waits for it to drain
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            handOver = true; // the loop meets the same failure on its next write and ends the connection there
        }
        if (!STATE.compareAndSet(this, ACTOR_WRITING, IDLE)) {
            clearQueue(); // the connection ended while this thread wrote: the queue is this thread's to empty
            return;
        }
        // Re-check after letting go: a flush request that arrived meanwhile found the writer busy, a close queued
        // meanwhile (perhaps written by this very turn) needs the loop to finish the connection, and the wire may
        // hold bytes for the loop (a TLS record the socket did not take, or one the loop could not write while
        // this thread was writing).
        if (handOver || !outbound.isEmpty() || outbound.isSealed() || w.hasPendingOutput()) {
            requestFlush();
        }
    }

    /**
     * The connection ended (loop): no writer starts again, and the queue is emptied — now, or by the actor's writer
     * as it leaves if it is writing at this moment.
     */
    void close() {
        int previous = (int) STATE.getAndSet(this, CLOSED);
        if (previous != ACTOR_WRITING) {
            clearQueue();
        }
    }
}
