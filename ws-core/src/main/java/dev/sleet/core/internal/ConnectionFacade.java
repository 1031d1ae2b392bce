package dev.sleet.core.internal;

import dev.sleet.core.OverflowPolicy;

import dev.sleet.actor.ActorRef;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Frames;
import dev.sleet.frame.Role;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.core.internal.jfr.SleetEvents;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.core.MessageStream;
import dev.sleet.core.PreparedMessage;
import dev.sleet.core.SendFailedException;
import dev.sleet.core.SendResult;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.List;

/**
 * The {@link Connection} users hold: sends from any thread, the request, state, and the close signal. It is a thin
 * facade over the connection's core ({@link WsConnection}), exposes no codec or loop callbacks, and holds only what
 * the API needs.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code open}</td><td>the actor (on accept), the core (on close)</td><td>any sender</td>
 *       <td>volatile</td></tr>
 *   <tr><td>{@code request}, {@code subprotocol}, {@code state}</td><td>loop (request), the actor (on accept)</td>
 *       <td>any</td><td>volatile</td></tr>
 *   <tr><td>{@code transform}</td><td>the actor (on accept), the loop (set to null when the connection ends)</td>
 *       <td>senders</td><td>{@code transformLock}, which also orders compressed sends (RFC 7692 §7.2.1)</td></tr>
 *   <tr><td>{@code closeFuture}, {@code closeReported}</td><td>caller of {@link #closeFuture()}, the actor after
 *       {@code onClose}</td><td>the same</td><td>this object's monitor</td></tr>
 *   <tr><td>{@code settled} (send completions to run)</td><td>the writer, whoever empties the queue</td>
 *       <td>the actor (or a worker once it is gone)</td><td>made once under the monitor; a concurrent queue, then
 *       a tell (an actor that has stopped refuses it, and its {@code onStop} drained the queue)</td></tr>
 *   <tr><td>{@code arriving}, {@code arrivingFrame} (the message being handled)</td><td>the actor, around
 *       {@code onMessage}</td><td>the actor's thread inside its turn ({@link #send(Message)} checks that first)</td>
 *       <td>confined</td></tr>
 * </table>
 */
public final class ConnectionFacade implements Connection {
    /** The close frame (1008) that replaces a queue that overflowed under {@code OverflowPolicy.CLOSE}: encoded once. */
    private static final ByteBuffer OVERFLOW_CLOSE_FRAME = Frames.close(
            new CloseStatus(CloseCodes.POLICY_VIOLATION, "slow consumer: outbound queue full")).asReadOnlyBuffer();

    private final WsConnection core;
    private final Outbound outbound;
    private final Flusher flusher;
    private final ConnectionConfig config;
    private final Metrics metrics;
    volatile boolean open;
    volatile UpgradeRequest request;
    /** The agreed extension's header value, or null; set with the subprotocol. */
    private volatile String extension;

    @Override
    public Optional<String> extension() {
        return Optional.ofNullable(extension);
    }

    /** The request this connection was opened with (on a server, set on the loop before the decision). */
    public void request(UpgradeRequest request) {
        this.request = request;
    }
    private volatile String subprotocol;
    private volatile Object state;
    private OutboundTransform transform;
    /** See {@link #arriving}: confined to the connection's actor during its turn. */
    private Message arriving;
    private byte[] arrivingFrame;
    /**
     * Made in {@link #accepted} when an extension transforms sends (null without one: most connections), before
     * {@code open} is published, which orders it before every send; volatile for {@link #releaseTransform}.
     */
    private volatile Object transformLock;
    private CompletableFuture<CloseStatus> closeFuture;
    private CloseStatus closeReported;
    /** Settled send completions waiting for the actor; made on the first one. */
    private volatile ConcurrentLinkedQueue<Settled> settled;

    /** A batch of completions to run: completed normally when {@code failure} is null, else failed with it. */
    private record Settled(List<CompletableFuture<Void>> futures, SendFailedException failure) {
    }

    ConnectionFacade(WsConnection core, Outbound outbound, Flusher flusher, ConnectionConfig config, Metrics metrics) {
        this.core = core;
        this.outbound = outbound;
        this.flusher = flusher;
        this.config = config;
        this.metrics = metrics;
    }

    /** The handler accepted: what the API reports from now on. The actor, before {@code open} is published. */
    void accepted(String chosenSubprotocol, String agreedExtension, Object handlerState,
            OutboundTransform outboundTransform) {
        this.subprotocol = chosenSubprotocol;
        this.extension = agreedExtension;
        this.state = handlerState;
        if (outboundTransform != null) {
            Object lock = new Object();
            transformLock = lock;
            synchronized (lock) {
                this.transform = outboundTransform;
            }
        }
    }

    /** The connection ended: the extension's outbound state is freed (loop). */
    void releaseTransform() {
        Object lock = transformLock;
        if (lock == null) {
            return; // no transform was ever set
        }
        synchronized (lock) {
            if (transform != null) {
                transform.close();
                transform = null;
            }
        }
    }

    @Override
    public SendResult send(String text) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (transform != null) {
            synchronized (transformLock) {
                return transform == null ? SendResult.CLOSED : enqueueData(Frames.text(text, transform));
            }
        }
        return enqueueData(Frames.text(text));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (transform != null) {
            synchronized (transformLock) {
                return transform == null ? SendResult.CLOSED : enqueueData(Frames.binary(data.duplicate(), transform));
            }
        }
        return enqueueData(Frames.binary(data.duplicate()));
    }

    @Override
    public SendResult send(byte[] data) {
        return send(ByteBuffer.wrap(data));
    }

    /**
     * The message the handler is being given right now and the frame it arrived in (an unmasked frame in an array
     * of its own, never changed): set and cleared by the connection's actor around {@code onMessage}.
     */
    void arriving(Message message, byte[] frame) {
        this.arriving = message;
        this.arrivingFrame = frame;
    }

    @Override
    public SendResult send(Message message) {
        Objects.requireNonNull(message, "message");
        // The actor's own thread, inside its turn, is the only one that reads or writes arriving/arrivingFrame.
        if (flusher.inTurn() && message == arriving && transform == null) {
            return open ? enqueueData(ByteBuffer.wrap(arrivingFrame)) : SendResult.CLOSED;
        }
        return Connection.super.send(message);
    }

    @Override
    public SendResult send(PreparedMessage message) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (transform != null) {
            // Shared when the transform is context-free, else compressed in this connection's context, in order.
            synchronized (transformLock) {
                OutboundTransform t = transform;
                return t == null ? SendResult.CLOSED : enqueueData(message.frame(t));
            }
        }
        return enqueueData(message.frame());
    }

    /** A ping counts against the outbound cap like data (a producer of pings is a producer like any other). */
    @Override
    public SendResult ping(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("a ping carries at most 125 bytes, not " + payload.remaining());
        }
        if (!open) {
            return SendResult.CLOSED;
        }
        // a control frame: it may go between the fragments of a streamed message, so it is never held behind one
        SendResult r = enqueue(Frames.ping(payload.duplicate()), Outbound.CONTROL, null, config.maxQueuedBytes());
        if (r == SendResult.ENQUEUED) {
            metrics.pingsSent.increment();
        }
        return r;
    }

    private SendResult enqueueData(ByteBuffer frame) {
        SendResult r = enqueue(frame);
        if (r == SendResult.ENQUEUED) {
            metrics.messagesOut.increment();
        }
        return r;
    }

    private SendResult enqueue(ByteBuffer frame) {
        return enqueue(frame, Outbound.DATA, null, config.maxQueuedBytes());
    }

    /** Queues {@code frame} of {@code kind} with an optional completion (see {@link Outbound#offer}). */
    private SendResult enqueue(ByteBuffer frame, int kind, CompletableFuture<Void> done, long cap) {
        switch (outbound.offer(frame, cap, config.overflowPolicy(), OVERFLOW_CLOSE_FRAME, kind, done)) {
            case ENQUEUED -> {
                flusher.afterOffer();
                return SendResult.ENQUEUED;
            }
            case DROPPED -> {
                metrics.slowConsumerDrops.increment();
                return SendResult.DROPPED;
            }
            case OVERFLOW_CLOSE -> {
                metrics.slowConsumerCloses.increment();
                SleetEvents.slowConsumerClose(core.id(), core.remote(), outbound.queuedAtOverflow(), frame.remaining(),
                        config.maxQueuedBytes());
                open = false;
                core.overflowed(new CloseStatus(CloseCodes.POLICY_VIOLATION, "slow consumer: outbound queue full"));
                return SendResult.CLOSED;
            }
            default -> {
                return SendResult.CLOSED;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Flow control: completions, writability, streams
    // ---------------------------------------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> sendAsync(String text) {
        if (!open) {
            return refused(SendResult.CLOSED);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        SendResult r;
        if (transform != null) {
            synchronized (transformLock) {
                r = transform == null ? SendResult.CLOSED : enqueueData(Frames.text(text, transform), done);
            }
        } else {
            r = enqueueData(Frames.text(text), done);
        }
        return r == SendResult.ENQUEUED ? done : refused(r);
    }

    @Override
    public CompletionStage<Void> sendAsync(ByteBuffer data) {
        if (!open) {
            return refused(SendResult.CLOSED);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        SendResult r;
        if (transform != null) {
            synchronized (transformLock) {
                r = transform == null ? SendResult.CLOSED
                        : enqueueData(Frames.binary(data.duplicate(), transform), done);
            }
        } else {
            r = enqueueData(Frames.binary(data.duplicate()), done);
        }
        return r == SendResult.ENQUEUED ? done : refused(r);
    }

    @Override
    public CompletionStage<Void> sendAsync(byte[] data) {
        return sendAsync(ByteBuffer.wrap(data));
    }

    @Override
    public CompletionStage<Void> sendAsync(PreparedMessage message) {
        if (!open) {
            return refused(SendResult.CLOSED);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        SendResult r;
        if (transform != null) {
            synchronized (transformLock) {
                OutboundTransform t = transform;
                r = t == null ? SendResult.CLOSED : enqueueData(message.frame(t), done);
            }
        } else {
            r = enqueueData(message.frame(), done);
        }
        return r == SendResult.ENQUEUED ? done : refused(r);
    }

    private SendResult enqueueData(ByteBuffer frame, CompletableFuture<Void> done) {
        SendResult r = enqueue(frame, Outbound.DATA, done, config.maxQueuedBytes());
        if (r == SendResult.ENQUEUED) {
            metrics.messagesOut.increment();
        }
        return r;
    }

    /** A stage failed at once (the caller's thread runs its continuations). */
    private CompletionStage<Void> refused(SendResult r) {
        return CompletableFuture.failedFuture(new SendFailedException(r,
                r == SendResult.CLOSED ? core.closeStatusIfKnown() : null));
    }

    @Override
    public boolean isWritable() {
        return open && outbound.isWritable();
    }

    @Override
    public MessageStream streamText() {
        return new StreamSender(this, true, outbound.openStream());
    }

    @Override
    public MessageStream streamBinary() {
        return new StreamSender(this, false, outbound.openStream());
    }

    /**
     * Queues one fragment of the open stream (any thread, under the stream's lock). {@code cap} is the outbound
     * cap, or unbounded for the empty piece that ends an abandoned stream.
     */
    SendResult enqueueFragment(ByteBuffer frame, boolean last, long cap) {
        if (!open) {
            return SendResult.CLOSED;
        }
        SendResult r = enqueue(frame, last ? Outbound.LAST_FRAGMENT : Outbound.FRAGMENT, null, cap);
        if (r == SendResult.ENQUEUED && last) {
            metrics.messagesOut.increment();
        }
        return r;
    }

    long maxQueuedBytes() {
        return config.maxQueuedBytes();
    }

    /**
     * Completions settled by the writer (or abandoned when the queue was emptied for good): parked here for the
     * actor to run. Returns false when there was nothing to park. Any thread; runs no user code.
     */
    boolean settle(List<CompletableFuture<Void>> written, List<CompletableFuture<Void>> abandoned,
            CloseStatus status) {
        if (written == null && abandoned == null) {
            return false;
        }
        ConcurrentLinkedQueue<Settled> q = settled;
        if (q == null) {
            synchronized (this) {
                q = settled;
                if (q == null) {
                    q = new ConcurrentLinkedQueue<>();
                    settled = q;
                }
            }
        }
        if (written != null) {
            q.add(new Settled(written, null));
        }
        if (abandoned != null) {
            q.add(new Settled(abandoned, new SendFailedException(SendResult.CLOSED, status)));
        }
        return true;
    }

    /** Runs the parked completions (their continuations run on this thread): the actor, or a worker. */
    void runSettled() {
        ConcurrentLinkedQueue<Settled> q = settled;
        if (q == null) {
            return;
        }
        for (Settled s; (s = q.poll()) != null; ) {
            for (CompletableFuture<Void> f : s.futures()) {
                try {
                    if (s.failure() == null) {
                        f.complete(null);
                    } else {
                        f.completeExceptionally(s.failure());
                    }
                } catch (RuntimeException | Error e) {
                    // a continuation threw: it is the user's, and the other completions must still run
                    System.getLogger(ConnectionFacade.class.getName()).log(System.Logger.Level.WARNING,
                            "a send completion's continuation failed on " + this, e);
                }
            }
        }
    }

    /** No actor will run the parked completions (it has stopped): a worker does. */
    void runSettledOffLoop() {
        ForkJoinPool.commonPool().execute(this::runSettled);
    }

    @Override
    public void close(CloseStatus status) {
        if (!CloseCodes.isSendable(status.code(), core.role())) {
            throw new IllegalArgumentException("close code " + status.code() + " may not be sent");
        }
        core.initiateClose(status, false, CloseCause.SERVER_CLOSE);
    }

    @Override
    public long id() {
        return core.id();
    }

    @Override
    public UpgradeRequest request() {
        return request;
    }

    @Override
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol);
    }

    /** The chosen subprotocol or null, without an {@code Optional}. */
    String subprotocolName() {
        return subprotocol;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return core.client();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Memory held by queued outbound frames: their bytes plus a fixed overhead per frame. */
    @Override
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    @Override
    public boolean tell(Object message) {
        ActorRef<ConnectionEvent> a = core.actor();
        return a != null && a.tell(new ConnectionEvent.Info(message)).accepted();
    }

    @Override
    public ActorRef<?> actor() {
        return core.actor();
    }

    @Override
    public <T> T state(Class<T> type) {
        Object s = state;
        if (s == null || type.isInstance(s)) {
            return type.cast(s);
        }
        throw new ClassCastException("connection " + core.id() + ": its state is a " + s.getClass().getName()
                + " (attached by ConnectDecision.accept), not a " + type.getName());
    }

    /**
     * Completes once the connection has ended and {@code onClose} has run, in the connection's actor (on a worker
     * if the actor is gone) — never on an event loop, so what users chain to it (room cleanup, presence listeners)
     * runs off the loops and sees a member leave after {@code onClose}, never before.
     */
    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        synchronized (this) {
            if (closeFuture == null) {
                closeFuture = new CompletableFuture<>();
                if (closeReported != null) {
                    closeFuture.complete(closeReported);
                }
            }
            return closeFuture;
        }
    }

    /** The end was reported (after {@code onClose}); completes {@link #closeFuture()} on this thread. Once. */
    void reportClosed(CloseStatus status) {
        CompletableFuture<CloseStatus> f;
        synchronized (this) {
            if (closeReported != null) {
                return;
            }
            closeReported = status;
            f = closeFuture;
        }
        if (f != null) {
            f.complete(status);
        }
    }

    /**
     * Records the end when nobody has asked for {@link #closeFuture()} (so no user code can run); false when a
     * future exists and must be completed off the loop.
     */
    boolean reportClosedIfUnobserved(CloseStatus status) {
        synchronized (this) {
            if (closeReported != null) {
                return true;
            }
            if (closeFuture == null) {
                closeReported = status;
                return true;
            }
            return false;
        }
    }

    @Override
    public String toString() {
        return "Connection[" + core.id() + " " + core.client() + "]";
    }
}
