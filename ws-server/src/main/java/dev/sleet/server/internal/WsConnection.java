package dev.sleet.server.internal;

import dev.sleet.actor.ActorRef;
import dev.sleet.actor.Cancellable;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.FrameParser;
import dev.sleet.frame.Frames;
import dev.sleet.frame.MessageAssembler;
import dev.sleet.frame.MessageListener;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import dev.sleet.frame.WebSocketException;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.frame.spi.OutboundTransform;
import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.HandshakeResponses;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.HttpRequest;
import dev.sleet.handshake.HttpRequestParser;
import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.Connection;
import dev.sleet.server.PreparedMessage;
import dev.sleet.server.SendResult;
import dev.sleet.server.spi.Transport;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection's protocol state machine, from accept to the last byte (RFC 6455 §4, §5, §7). It lives on one
 * event loop: socket reads, parsing, control-frame answers, writes and the close handshake all run there. The
 * public {@link Connection} methods may be called from any thread; they queue bytes and hand work to the loop.
 *
 * <p>Phases: HANDSHAKE (reading the upgrade request) → DECIDING (the handler's {@code onConnect} runs in the
 * actor; reading paused) → OPEN → CLOSING (a close frame was queued or received) → DONE (socket closed, actor
 * told). Handler code never runs here; complete messages go to the connection's actor.
 */
final class WsConnection implements Connection, EventLoop.Handler, EventLoop.Flushable, MessageListener {
    private static final System.Logger LOG = System.getLogger(WsConnection.class.getName());

    private static final int HANDSHAKE = 0;
    private static final int DECIDING = 1;
    private static final int OPEN = 2;
    private static final int CLOSING = 3;
    private static final int DONE = 4;

    /**
     * The close frame (1008) that replaces a queue that overflowed under {@code OverflowPolicy.CLOSE}: encoded once.
     * Outbound queues read frames with absolute gets and never move their position, so one read-only buffer serves
     * every connection.
     */
    private static final ByteBuffer OVERFLOW_CLOSE_FRAME = Frames.close(
            new CloseStatus(CloseCodes.POLICY_VIOLATION, "slow consumer: outbound queue full")).asReadOnlyBuffer();

    /** Reads handled per readiness event before the loop moves on to other connections. */
    private static final int READS_PER_EVENT = 4;
    /** Inbound bytes handed to the actor and not yet handled, above which reading pauses. */
    static final long INBOUND_HIGH_WATER = 4L << 20;
    /** ...and below which it resumes. */
    static final long INBOUND_LOW_WATER = 1L << 20;

    private static final VarHandle FLUSH_REQUESTED;
    private static final VarHandle CLOSE_STATUS;
    private static final VarHandle INBOUND_QUEUED;
    private static final VarHandle READ_PAUSED;
    private static final VarHandle WRITING;

    /**
     * Staging for writes made by an actor's worker thread (see {@link #endOfTurn}): one direct buffer per worker,
     * so the socket write copies nothing more. Workers are a fixed handful of platform threads.
     */
    static final int DIRECT_STAGING_SIZE = 64 * 1024;
    private static final ThreadLocal<ByteBuffer> WORKER_STAGING =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(DIRECT_STAGING_SIZE));
    /** Sends by the connection's own actor held back before a write, even if more messages wait in its mailbox. */
    private static final int MAX_HELD_SENDS = 32;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FLUSH_REQUESTED = l.findVarHandle(WsConnection.class, "flushRequested", int.class);
            CLOSE_STATUS = l.findVarHandle(WsConnection.class, "closeStatus", CloseStatus.class);
            INBOUND_QUEUED = l.findVarHandle(WsConnection.class, "inboundQueued", long.class);
            READ_PAUSED = l.findVarHandle(WsConnection.class, "readPaused", int.class);
            WRITING = l.findVarHandle(WsConnection.class, "writing", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerCore server;
    private final Transport transport;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final long id;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Outbound outbound = new Outbound();
    private final Heartbeat heartbeat;

    // --- loop-confined state ---
    private Wire wire;
    private SelectionKey key;
    private int interest;
    private int phase = HANDSHAKE;
    private HttpRequestParser requestParser;
    private ByteBuffer early;
    private FrameParser frameParser;
    private MessageAssembler assembler;
    private boolean inputDone;
    private boolean closeWhenFlushed;
    private boolean peerClosed;
    private boolean slotReserved;
    private boolean registered;
    private Cancellable timer;

    // --- shared state ---
    @SuppressWarnings("unused") // through FLUSH_REQUESTED
    private volatile int flushRequested;
    @SuppressWarnings("unused") // through CLOSE_STATUS
    private volatile CloseStatus closeStatus;
    @SuppressWarnings("unused") // through INBOUND_QUEUED
    private volatile long inboundQueued;
    @SuppressWarnings("unused") // through READ_PAUSED
    private volatile int readPaused;
    /**
     * 1 while a thread writes this connection's queue to a plain socket: the loop, or the connection's actor at the
     * end of a turn. Whoever holds it is the only one staging, writing and consuming.
     */
    @SuppressWarnings("unused") // through WRITING
    private volatile int writing;
    /** Set by the loop while it waits for the socket to drain (write interest on); the actor then leaves writing to it. */
    private volatile boolean socketFull;
    /** The thread running this connection's actor right now, or null. Written and compared by that thread only. */
    private Thread turnThread;
    /** Sends made in the current actor turn and not yet written (turn thread only). */
    private int heldSends;
    private volatile boolean open;
    private volatile UpgradeRequest request;
    private volatile String subprotocol;
    private volatile Object state;
    private volatile Map<String, Object> attributes;
    private volatile ActorRef<ConnectionEvent> actor;
    /**
     * The negotiated extension's outbound half (e.g. a deflater), or null. Set before {@code open} is published;
     * messages go through it one at a time under {@code transformLock}, which also orders their queueing, so the
     * peer sees them in the order of the transform's context (RFC 7692 §7.2.1).
     */
    private OutboundTransform outboundTransform;
    private final Object transformLock = new Object();
    /** Made on first request only: most connections never need one. Guarded by {@code this}. */
    private CompletableFuture<CloseStatus> closeFuture;
    private boolean ended;

    WsConnection(ServerCore server, EventLoop loop, SocketChannel channel, Transport transport, long id)
            throws IOException {
        this.server = server;
        this.transport = transport;
        this.loop = loop;
        this.channel = channel;
        this.id = id;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.heartbeat = new Heartbeat(this, loop, server);
    }

    // ------------------------------------------------------------------------------------------------------
    // Loop side: registration, reading, the handshake stage
    // ------------------------------------------------------------------------------------------------------

    /** Runs on the loop right after accept. */
    void register() {
        try {
            wire = transport.secure()
                    ? new TlsWire(channel, transport.newEngine(remote), loop, this::onWireWantsWrite,
                            this::onWireHasInput)
                    : new PlainWire(channel);
            key = loop.register(channel, SelectionKey.OP_READ, this);
            interest = SelectionKey.OP_READ;
            registered = true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot register connection {0}: {1}", id, e);
            closeChannelQuietly();
            return;
        }
        requestParser = new HttpRequestParser(server.config.httpLimits());
        timer = server.actors.timers().schedule(server.config.handshakeTimeout(), this::onHandshakeTimeout);
    }

    @Override
    public void ready(SelectionKey k, int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            onReadable();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && phase != DONE) {
            write();
        }
    }

    private void onReadable() {
        ByteBuffer buf = loop.readBuffer;
        for (int reads = 0; reads < READS_PER_EVENT && phase != DONE && (interest & SelectionKey.OP_READ) != 0;
                reads++) {
            buf.clear();
            int n;
            try {
                n = wire.read(buf);
            } catch (IOException e) {
                abort(new CloseStatus(CloseCodes.ABNORMAL, "read failed: " + e.getMessage()));
                return;
            } catch (RuntimeException e) {
                // e.g. a TLS engine that rejects garbage: this connection ends, the loop goes on
                abort(new CloseStatus(CloseCodes.ABNORMAL, "transport error: " + e.getMessage()));
                return;
            }
            if (n < 0) {
                onEndOfStream();
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            heartbeat.touch(loop.now());
            server.metrics.bytesIn.add(n);
            consume(buf);
            if (n < buf.capacity() && !wire.hasBufferedInput()) {
                return;
            }
        }
        if (phase != DONE && wire.hasBufferedInput() && (interest & SelectionKey.OP_READ) != 0) {
            loop.executeLater(this::onReadable); // records are waiting in the wire, not the socket
        }
    }

    private void consume(ByteBuffer buf) {
        switch (phase) {
            case HANDSHAKE -> consumeRequest(buf);
            case DECIDING -> stashEarly(buf);
            case OPEN, CLOSING -> {
                if (!inputDone) {
                    parseFrames(buf);
                }
            }
            default -> {
                // DONE: nothing more is read
            }
        }
    }

    private void consumeRequest(ByteBuffer buf) {
        boolean complete;
        try {
            complete = requestParser.parse(buf);
        } catch (HandshakeException e) {
            rejectOnLoop(e);
            return;
        }
        if (!complete) {
            return;
        }
        HttpRequest req = requestParser.request();
        requestParser = null;
        cancelTimer();
        onRequest(req);
        if (phase == DECIDING && buf.hasRemaining()) {
            stashEarly(buf); // a client may send its first frame right behind the request
        }
    }

    private void onRequest(HttpRequest req) {
        UpgradeRequest view = UpgradeRequest.of(req, remote, local);
        if (wire instanceof TlsWire tls && tls.serverName() != null) {
            view = view.withServerName(tls.serverName());
        }
        this.request = view;
        if (!req.isUpgradeRequest()) {
            if (server.config.httpHandler() == null) {
                rejectOnLoop(new HandshakeException(HandshakeException.UPGRADE_REQUIRED,
                        "this endpoint only speaks WebSocket", HttpHeaders.of("Upgrade", "websocket",
                                "Sec-WebSocket-Version", "13")));
                return;
            }
            enterDeciding();
            spawnActor().tell(new ConnectionEvent.PlainRequest(view));
            return;
        }
        HandshakeResult result;
        try {
            result = server.negotiator.negotiate(req);
        } catch (HandshakeException e) {
            rejectOnLoop(e);
            return;
        }
        if (server.isStopping()) {
            rejectOnLoop(new HandshakeException(503, "server is shutting down"));
            return;
        }
        if (!server.tryReserve()) {
            rejectOnLoop(new HandshakeException(503, "too many connections"));
            return;
        }
        slotReserved = true;
        enterDeciding();
        spawnActor().tell(new ConnectionEvent.Upgrade(view, result));
    }

    private void enterDeciding() {
        phase = DECIDING;
        setReadInterest(false);
    }

    private ActorRef<ConnectionEvent> spawnActor() {
        ActorRef<ConnectionEvent> ref = server.actors.spawn(new ConnectionActor(this, server),
                ConnectionActor.options(server.config, id));
        server.liveActors.incrementAndGet();
        actor = ref;
        return ref;
    }

    private void stashEarly(ByteBuffer buf) {
        int n = buf.remaining();
        if (n == 0) {
            return;
        }
        if (early == null) {
            early = ByteBuffer.allocate(Math.max(n, 256));
        } else if (early.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(early.capacity() * 2, early.position() + n));
            early.flip();
            bigger.put(early);
            early = bigger;
        }
        early.put(buf);
    }

    /** Answers the request with an HTTP error and closes once it is written. Loop only. */
    private void rejectOnLoop(HandshakeException e) {
        server.metrics.rejectedHandshakes.increment();
        requestParser = null;
        cancelTimer();
        finishWith(HandshakeResponses.error(e));
    }

    /** Queues a final HTTP response, then closes TCP once it is out. Loop only. */
    private void finishWith(ByteBuffer response) {
        phase = CLOSING;
        inputDone = true;
        setReadInterest(false);
        outbound.seal(response, true);
        closeWhenFlushed = true;
        flush();
        if (phase != DONE) {
            timer = server.actors.timers().schedule(server.config.closeTimeout(), this::onCloseTimeout);
        }
    }

    private void onHandshakeTimeout() {
        loop.execute(() -> {
            if (phase == HANDSHAKE) {
                // RFC 6455 gives no answer for a client too slow to send its request; the socket is dropped.
                terminate(new CloseStatus(CloseCodes.ABNORMAL, "handshake timeout"), true);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------------
    // Actor side of the upgrade (called from ConnectionActor)
    // ------------------------------------------------------------------------------------------------------

    /** The handler accepted: queue the 101 and open. Runs in the actor. */
    void acceptUpgrade(HandshakeResult result, String chosenSubprotocol, Object handlerState) {
        this.subprotocol = chosenSubprotocol;
        this.state = handlerState;
        FrameExtension extension = Extensions.of(result);
        if (extension != null) {
            outboundTransform = extension.newOutboundTransform();
        }
        ByteBuffer response = HandshakeResponses.switchingProtocols(result.withSubprotocol(chosenSubprotocol));
        if (!outbound.offerPinned(response)) {
            return; // the socket died while the handler decided
        }
        open = true;
        server.metrics.acceptedHandshakes.increment();
        loop.execute(() -> opened(result));
        requestFlush();
    }

    /** The handler rejected (or failed): answer with an HTTP error. Runs in the actor. */
    void rejectUpgrade(int status, String reason) {
        loop.execute(() -> {
            if (phase == DECIDING) {
                releaseSlot();
                rejectOnLoop(new HandshakeException(status, reason));
            }
        });
    }

    /** The plain-HTTP handler answered. Runs in the actor. */
    void respond(HttpResponse response) {
        ByteBuffer bytes = response.encode();
        loop.execute(() -> {
            if (phase == DECIDING) {
                finishWith(bytes);
            }
        });
    }

    private void opened(HandshakeResult result) {
        if (phase != DECIDING) {
            return; // closed meanwhile
        }
        phase = OPEN;
        server.opened(this);
        FrameExtension extension = Extensions.of(result);
        frameParser = new FrameParser(Role.SERVER, server.config.maxFrameSize(),
                extension == null ? 0 : extension.rsvBits());
        MessageAssembler.Builder assembly = MessageAssembler.builder(this).maxMessageSize(server.config.maxMessageSize());
        if (extension != null) {
            assembly.extension(extension);
        }
        assembler = assembly.build();
        heartbeat.start(loop.now());
        setReadInterest(true);
        if (early != null) {
            ByteBuffer pending = early.flip();
            early = null;
            parseFrames(pending);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Frames in (loop)
    // ------------------------------------------------------------------------------------------------------

    private void parseFrames(ByteBuffer buf) {
        try {
            frameParser.parse(buf, assembler);
        } catch (WebSocketException e) {
            server.metrics.protocolErrors.increment();
            fail(new CloseStatus(e.closeCode(), e.getMessage()));
        }
    }

    @Override
    public void onText(ByteBuffer utf8) {
        if (phase != OPEN) {
            return; // after our close frame, data is read and dropped (RFC 6455 §7.1.2)
        }
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(bytes);
        deliver(new ConnectionEvent.TextIn(bytes), bytes.length);
    }

    @Override
    public void onBinary(ByteBuffer data) {
        if (phase != OPEN) {
            return;
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        deliver(new ConnectionEvent.BinaryIn(bytes), bytes.length);
    }

    private void deliver(ConnectionEvent event, int size) {
        server.metrics.messagesIn.increment();
        long queued = (long) INBOUND_QUEUED.getAndAdd(this, (long) size) + size;
        actor.tell(event);
        if (queued > INBOUND_HIGH_WATER) {
            pauseReading();
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        // RFC 6455 §5.5.2: answer with a pong carrying the same application data (BEAT-02)
        if (outbound.offerControl(Frames.pong(payload))) {
            requestFlush();
        }
    }

    @Override
    public void onPong(ByteBuffer payload) {
        server.metrics.pongsReceived.increment();
        heartbeat.pong(payload);
    }

    @Override
    public void onClose(CloseStatus status) {
        peerClosed = true;
        inputDone = true;
        if (outbound.isSealed()) {
            // The peer answered our close (RFC 6455 §7.1.2): TCP can close once our frame is out.
            closeWhenFlushed = true;
            requestFlush();
            return;
        }
        // The peer started the close (§5.5.1): its code is what onClose reports; the echo goes out after the
        // handler has answered the messages that arrived before the close.
        setCloseStatus(status);
        beginClosing(new ConnectionEvent.Closing(status, true));
    }

    /**
     * Reading stopped at a protocol violation (RFC 6455 §7.1.7): the close with {@code status} goes out once the
     * handler has dealt with the messages already delivered, then TCP closes. Input after the bad frame is
     * read and dropped.
     */
    private void fail(CloseStatus status) {
        inputDone = true;
        setCloseStatus(status);
        beginClosing(new ConnectionEvent.Closing(status, false));
    }

    /**
     * Routes the close through the actor's mailbox so it follows every message delivered before it, bounded by
     * the close timeout in case the handler is stuck. Loop only.
     */
    private void beginClosing(ConnectionEvent.Closing closing) {
        phase = CLOSING;
        startCloseTimer();
        ActorRef<ConnectionEvent> a = actor;
        if (a == null || !a.tell(closing).accepted()) {
            sendClosingFrame(closing.status(), closing.echo());
        }
    }

    /**
     * Queues the close frame that answers a peer's close ({@code echo}: its code, or an empty close) or fails the
     * connection, and closes TCP once it is written. Any thread (the actor, in order with its sends).
     */
    void sendClosingFrame(CloseStatus status, boolean echo) {
        // An echo repeats the peer's code even where a server would not pick it itself (e.g. 1010): §5.5.1.
        ByteBuffer frame = echo
                ? Frames.frame(true, 0, Opcode.CLOSE, Frames.closePayload(CloseStatus.of(status.code())))
                : Frames.close(status);
        outbound.seal(frame, false);
        open = false;
        loop.execute(() -> {
            closeWhenFlushed = true;
            flush();
        });
    }

    private void onEndOfStream() {
        if (peerClosed) {
            terminate(currentStatus(CloseStatus.NO_STATUS), false);
        } else {
            terminate(new CloseStatus(CloseCodes.ABNORMAL, "connection closed without a close frame"), true);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Inbound flow control
    // ------------------------------------------------------------------------------------------------------

    private void pauseReading() {
        READ_PAUSED.setVolatile(this, 1);
        setReadInterest(false);
        // The actor may have caught up between our add and the flag: re-check so a resume is never lost.
        if ((long) INBOUND_QUEUED.getVolatile(this) < INBOUND_LOW_WATER && READ_PAUSED.compareAndSet(this, 1, 0)) {
            setReadInterest(true);
        }
    }

    /** The actor finished with {@code size} inbound bytes. Any thread. */
    void inboundHandled(int size) {
        long queued = (long) INBOUND_QUEUED.getAndAdd(this, (long) -size) - size;
        if (queued < INBOUND_LOW_WATER && (int) READ_PAUSED.getVolatile(this) == 1
                && READ_PAUSED.compareAndSet(this, 1, 0)) {
            loop.execute(() -> {
                if (phase == OPEN || phase == CLOSING) {
                    setReadInterest(true);
                }
            });
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Frames out (any thread) and flushing (loop)
    // ------------------------------------------------------------------------------------------------------

    @Override
    public SendResult send(String text) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (outboundTransform != null) {
            synchronized (transformLock) {
                return outboundTransform == null ? SendResult.CLOSED
                        : enqueueData(Frames.text(text, outboundTransform));
            }
        }
        return enqueueData(Frames.text(text));
    }

    @Override
    public SendResult send(ByteBuffer data) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (outboundTransform != null) {
            synchronized (transformLock) {
                return outboundTransform == null ? SendResult.CLOSED
                        : enqueueData(Frames.binary(data.duplicate(), outboundTransform));
            }
        }
        return enqueueData(Frames.binary(data.duplicate()));
    }

    @Override
    public SendResult send(byte[] data) {
        return send(ByteBuffer.wrap(data));
    }

    @Override
    public SendResult send(PreparedMessage message) {
        if (!open) {
            return SendResult.CLOSED;
        }
        if (outboundTransform != null) {
            // Through the extension: shared when its transform is context-free, else compressed in this
            // connection's context, in order with its other sends.
            synchronized (transformLock) {
                OutboundTransform t = outboundTransform;
                return t == null ? SendResult.CLOSED : enqueueData(message.frame(t));
            }
        }
        return enqueueData(message.frame());
    }

    @Override
    public SendResult ping(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("a ping carries at most 125 bytes, not " + payload.remaining());
        }
        if (!open) {
            return SendResult.CLOSED;
        }
        return sendControl(Frames.ping(payload.duplicate())) ? SendResult.ENQUEUED : SendResult.CLOSED;
    }

    /** Queues a control frame outside the byte cap (pings, pongs). Any thread. */
    boolean sendControl(ByteBuffer frame) {
        if (!outbound.offerControl(frame)) {
            return false;
        }
        requestFlush();
        return true;
    }

    private SendResult enqueueData(ByteBuffer frame) {
        Outbound.Offer result = outbound.offer(frame, server.config.maxQueuedBytes(), server.config.overflowPolicy(),
                OVERFLOW_CLOSE_FRAME);
        switch (result) {
            case ENQUEUED -> {
                server.metrics.messagesOut.increment();
                if (Thread.currentThread() == turnThread) {
                    heldSends++; // written at the end of this turn, together with the others (endOfTurn)
                } else {
                    requestFlush();
                }
                return SendResult.ENQUEUED;
            }
            case DROPPED -> {
                server.metrics.slowConsumerDrops.increment();
                return SendResult.DROPPED;
            }
            case OVERFLOW_CLOSE -> {
                server.metrics.slowConsumerCloses.increment();
                setCloseStatus(new CloseStatus(CloseCodes.POLICY_VIOLATION, "slow consumer: outbound queue full"));
                open = false;
                loop.execute(() -> {
                    closeWhenFlushed = true;
                    afterCloseQueued();
                });
                requestFlush();
                return SendResult.CLOSED;
            }
            default -> {
                return SendResult.CLOSED;
            }
        }
    }

    /** The connection's actor starts handling one event on the current thread. */
    void beginTurn() {
        turnThread = Thread.currentThread();
    }

    /**
     * The connection's actor finished one event. Sends it made are written now if its mailbox is empty (or many
     * are held): like a flush at the end of a read batch, one write carries every reply. The write is made right
     * here on the actor's worker thread for a plain socket — a non-blocking write, never a wait — which spares the
     * hand-off to the event loop and its selector wake-up; the loop takes over when the socket is full, for TLS,
     * when the loop is writing itself, on virtual threads, and for anything that closes.
     */
    void endOfTurn(boolean mailboxEmpty) {
        turnThread = null;
        if (heldSends == 0 || !mailboxEmpty && heldSends < MAX_HELD_SENDS) {
            return; // a held send waits for the next event's end (the mailbox is not empty), or any flush request
        }
        heldSends = 0;
        writeFromActor();
    }

    private void writeFromActor() {
        if (!(wire instanceof PlainWire) || !open || socketFull || Thread.currentThread().isVirtual()
                || !WRITING.compareAndSet(this, 0, 1)) {
            requestFlush();
            return;
        }
        boolean handOver = false;
        try {
            ByteBuffer staging = WORKER_STAGING.get();
            for (int round = 0; round < 4; round++) {
                staging.clear();
                int staged = outbound.stage(staging);
                if (staged == 0) {
                    break;
                }
                staging.flip();
                int written = channel.write(staging);
                if (written > 0) {
                    outbound.consume(written);
                    server.metrics.bytesOut.add(written);
                }
                if (written < staged) {
                    handOver = true; // the socket is full: the loop waits for it to drain
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            handOver = true; // the loop finds the same failure on its next write and ends the connection there
        } finally {
            WRITING.setVolatile(this, 0);
        }
        // Re-check after letting go: the loop may have skipped a flush while this thread was writing.
        if (handOver || !outbound.isEmpty() || outbound.isSealed()) {
            requestFlush();
        }
    }

    private void requestFlush() {
        if ((int) FLUSH_REQUESTED.getVolatile(this) == 0 && FLUSH_REQUESTED.compareAndSet(this, 0, 1)) {
            loop.requestFlush(this);
        }
    }

    private void onWireWantsWrite() {
        setWriteInterest(true);
    }

    /** Whole TLS records wait inside the wire: read them even though the socket may stay quiet. Loop only. */
    private void onWireHasInput() {
        if (phase != DONE && (interest & SelectionKey.OP_READ) != 0) {
            loop.executeLater(this::onReadable);
        }
    }

    /**
     * A flush request (new frames queued). While the socket is full and write interest is set, the readiness
     * event will do the writing; trying now would only copy bytes the socket cannot take. Loop only.
     */
    @Override
    public void flush() {
        FLUSH_REQUESTED.setVolatile(this, 0);
        if (phase == DONE || !registered || (interest & SelectionKey.OP_WRITE) != 0) {
            return;
        }
        write();
    }

    /** Writes queued frames through the wire until the queue is empty or the socket is full. Loop only. */
    private void write() {
        if (!WRITING.compareAndSet(this, 0, 1)) {
            return; // the actor is writing (plain socket only); it asks for a flush again when it lets go
        }
        try {
            writeOwned();
        } finally {
            WRITING.setVolatile(this, 0);
        }
    }

    private void writeOwned() {
        try {
            ByteBuffer staging = loop.writeBuffer;
            for (int round = 0; round < 16; round++) {
                if (wire.hasPendingOutput() && !wire.flushPending()) {
                    setWriteInterest(true);
                    return;
                }
                staging.clear();
                int staged = outbound.stage(staging);
                if (staged == 0) {
                    break;
                }
                staging.flip();
                int written = wire.write(staging);
                if (written > 0) {
                    outbound.consume(written);
                    server.metrics.bytesOut.add(written);
                }
                if (written < staged) {
                    setWriteInterest(true);
                    return;
                }
            }
            if (!outbound.isEmpty() || wire.hasPendingOutput()) {
                setWriteInterest(true);
                return;
            }
            setWriteInterest(false);
            if (closeWhenFlushed && outbound.isSealed()) {
                terminate(currentStatus(CloseStatus.NORMAL), false);
            }
        } catch (IOException | RuntimeException e) {
            abort(new CloseStatus(CloseCodes.ABNORMAL, "write failed: " + e.getMessage()));
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Closing
    // ------------------------------------------------------------------------------------------------------

    @Override
    public void close(CloseStatus status) {
        if (!CloseCodes.isSendable(status.code(), Role.SERVER)) {
            throw new IllegalArgumentException("close code " + status.code() + " may not be sent");
        }
        initiateClose(status, false);
    }

    /** Queues our close frame (once) and starts waiting for the peer's. Any thread. */
    void initiateClose(CloseStatus status, boolean discardQueued) {
        if (outbound.seal(Frames.close(status), discardQueued)) {
            setCloseStatus(status);
            open = false;
            loop.execute(this::afterCloseQueued);
            requestFlush();
        }
    }

    private void afterCloseQueued() {
        if (phase == DONE) {
            return;
        }
        if (phase == HANDSHAKE || phase == DECIDING) {
            terminate(currentStatus(CloseStatus.GOING_AWAY), true);
            return;
        }
        phase = CLOSING;
        if (peerClosed) {
            closeWhenFlushed = true;
        }
        startCloseTimer();
    }

    private void startCloseTimer() {
        cancelTimer();
        timer = server.actors.timers().schedule(server.config.closeTimeout(), this::onCloseTimeout);
    }

    private void onCloseTimeout() {
        loop.execute(() -> {
            if (phase != DONE) {
                // RFC 6455 §7.1.1: the server closes TCP when the peer does not finish the handshake in time.
                terminate(currentStatus(new CloseStatus(CloseCodes.ABNORMAL, "close timeout")), true);
            }
        });
    }

    /** Server shutdown: 1001 to an open connection. Any thread. */
    void goingAway() {
        initiateClose(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down"), false);
    }

    /** Shutdown timeout passed: drop the socket now. Any thread. */
    void forceClose() {
        loop.execute(() -> terminate(currentStatus(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down")),
                true));
    }

    /** Heartbeat gave up on the peer: close 1001 and drop TCP as soon as the frame is out. Loop only. */
    void heartbeatTimeout() {
        server.metrics.heartbeatTimeouts.increment();
        setCloseStatus(new CloseStatus(CloseCodes.GOING_AWAY, "heartbeat timeout: no pong"));
        open = false;
        if (outbound.seal(Frames.close(new CloseStatus(CloseCodes.GOING_AWAY, "heartbeat timeout")), true)) {
            phase = CLOSING;
            startCloseTimer();
        }
        closeWhenFlushed = true;
        inputDone = true;
        requestFlush();
    }

    /** Idle timeout: an ordinary close with 1001. Loop only. */
    void idleTimeout() {
        initiateClose(new CloseStatus(CloseCodes.GOING_AWAY, "idle timeout"), false);
    }

    /** The actor crashed: close with 1011. Any thread. */
    void crashed() {
        initiateClose(new CloseStatus(CloseCodes.INTERNAL_ERROR, "internal error"), true);
    }

    /** Drops connections still in their handshake (server shutdown). Runs on {@code loop}. */
    static void dropHandshaking(EventLoop loop) {
        loop.forEachHandler(h -> {
            if (h instanceof WsConnection c && (c.phase == HANDSHAKE || c.phase == DECIDING)) {
                c.terminate(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down"), true);
            }
        });
    }

    private void abort(CloseStatus status) {
        terminate(currentStatus(status), true);
    }

    /**
     * The end: closes the socket (politely unless {@code abort}), frees what the connection held, and tells the
     * actor, which runs {@code onClose}. Idempotent. Loop only.
     */
    private void terminate(CloseStatus status, boolean abort) {
        if (phase == DONE) {
            return;
        }
        boolean wasOpen = phase == OPEN || phase == CLOSING && frameParser != null;
        phase = DONE;
        open = false;
        setCloseStatus(status);
        cancelTimer();
        heartbeat.stop();
        if (key != null) {
            key.cancel();
        }
        if (wire != null) {
            if (abort) {
                wire.abort();
            } else {
                wire.close();
            }
        } else {
            closeChannelQuietly();
        }
        outbound.clear();
        requestParser = null;
        early = null;
        if (assembler != null) {
            assembler.close();
        }
        if (outboundTransform != null) {
            synchronized (transformLock) {
                outboundTransform.close();
                outboundTransform = null;
            }
        }
        releaseSlot();
        if (wasOpen) {
            server.ended(this);
        }
        ActorRef<ConnectionEvent> a = actor;
        if (a != null) {
            a.tell(new ConnectionEvent.Ended(currentStatus(status)));
        }
        CompletableFuture<CloseStatus> f;
        synchronized (this) {
            ended = true;
            f = closeFuture;
        }
        if (f != null) {
            f.complete(currentStatus(status));
        }
    }

    @Override
    public CompletionStage<CloseStatus> closeFuture() {
        synchronized (this) {
            if (closeFuture == null) {
                closeFuture = new CompletableFuture<>();
                if (ended) {
                    closeFuture.complete(finalStatus());
                }
            }
            return closeFuture;
        }
    }

    private void releaseSlot() {
        if (slotReserved) {
            slotReserved = false;
            server.release();
        }
    }

    private void closeChannelQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void setReadInterest(boolean on) {
        boolean resumed = on && (interest & SelectionKey.OP_READ) == 0;
        updateInterest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
        if (resumed && wire != null && wire.hasBufferedInput()) {
            // The selector only reports the socket; records a TLS wire already holds would wait for new bytes.
            onWireHasInput();
        }
    }

    private void setWriteInterest(boolean on) {
        updateInterest(on ? interest | SelectionKey.OP_WRITE : interest & ~SelectionKey.OP_WRITE);
        socketFull = (interest & SelectionKey.OP_WRITE) != 0;
    }

    private void updateInterest(int ops) {
        if (ops != interest && key != null && key.isValid()) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    /** Records the status reported to {@code onClose}: the first cause wins. */
    private void setCloseStatus(CloseStatus status) {
        CLOSE_STATUS.compareAndSet(this, null, status);
    }

    private CloseStatus currentStatus(CloseStatus fallback) {
        CloseStatus s = (CloseStatus) CLOSE_STATUS.getVolatile(this);
        return s != null ? s : fallback;
    }

    // ------------------------------------------------------------------------------------------------------
    // Connection API
    // ------------------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    @Override
    public UpgradeRequest request() {
        return request;
    }

    @Override
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long queuedBytes() {
        return outbound.queuedBytes();
    }

    @Override
    public boolean tell(Object message) {
        ActorRef<ConnectionEvent> a = actor;
        return a != null && a.tell(new ConnectionEvent.Info(message)).accepted();
    }

    @Override
    public ActorRef<?> actor() {
        return actor;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T state() {
        return (T) state;
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> m = attributes;
        if (m == null) {
            synchronized (this) {
                m = attributes;
                if (m == null) {
                    m = new ConcurrentHashMap<>();
                    attributes = m;
                }
            }
        }
        return m;
    }

    /** The status {@code onClose} reports, once known. */
    CloseStatus finalStatus() {
        return currentStatus(CloseStatus.ABNORMAL);
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + remote + "]";
    }
}
