package dev.sleet.core.internal;

import dev.sleet.core.Connection;

import dev.sleet.actor.ActorRef;
import dev.sleet.actor.Cancellable;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Frames;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Role;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.core.internal.jfr.SleetEvents;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One connection's core on its event loop, whichever side opened it: the socket and its interest set, reading, and
 * the close state machine (RFC 6455 §4, §7) that every path to the end goes through. What happens before the
 * connection opens belongs to a subclass: the server's (request, decision, plain HTTP) or the client's (request out,
 * response in). The pieces it drives each own their state: {@link InboundPipeline} (frames in), {@link Flusher} over
 * {@link Outbound} (bytes out), {@link Heartbeat} (pings), and {@link ConnectionFacade}, the facade users hold.
 *
 * <pre>
 *   HANDSHAKE ──request / response──► DECIDING ──accepted──► OPEN ──close sent or received──► CLOSING ──► DONE
 *       ▲                     │ (server) plain HTTP answered, kept alive                              ▲
 *       └─────────────────────┤                                                                       │
 *       │                     │ rejected / answered / decision timeout                               │
 *       └── bad request ──────┴──────────► CLOSING (HTTP error queued, TCP closes once written) ──────┘
 *   any phase ──abort (I/O error, timeout, shutdown, a failed loop task)──► DONE
 * </pre>
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code phase}, {@code wire}, {@code key}, {@code interest},
 *       {@code inbound}, {@code inboundExtension}, {@code inputStopped}, {@code timer}, {@code closeWhenFlushed},
 *       {@code peerClosed}, {@code listed}, {@code failures}</td>
 *       <td>loop</td><td>loop</td><td>confined; other threads hand work over with {@code loop.execute}</td></tr>
 *   <tr><td>{@code ending} (the close status and its {@link CloseCause})</td><td>any (first cause wins)</td>
 *       <td>any</td><td>CAS</td></tr>
 *   <tr><td>{@code actor}</td><td>loop (on spawn)</td><td>any</td><td>volatile</td></tr>
 *   <tr><td>{@code inboundHooks}</td><td>the actor, before it accepts</td><td>loop</td>
 *       <td>published by the hand-off in {@link #acceptUpgrade}</td></tr>
 * </table>
 * Every task the loop runs for this connection runs under {@link #failed(Throwable)}: a failure ends this
 * connection alone (before the upgrade as the side decides, {@link #failedBeforeOpen}; 1011 after it) and frees its
 * descriptor.
 */
public abstract class WsConnection implements EventLoop.Handler, Flusher.Owner, Heartbeat.Peer {
    private static final System.Logger LOG = System.getLogger(WsConnection.class.getName());

    /** The phases of a connection; {@link #canMoveTo} lists the allowed transitions. */
    public enum Phase {
        HANDSHAKE, DECIDING, OPEN, CLOSING, DONE;

        boolean canMoveTo(Phase next) {
            return switch (this) {
                case HANDSHAKE -> next == DECIDING || next == CLOSING || next == DONE;
                // back to HANDSHAKE: a plain HTTP response was queued and the connection is kept alive
                case DECIDING -> next == OPEN || next == HANDSHAKE || next == CLOSING || next == DONE;
                case OPEN -> next == CLOSING || next == DONE;
                case CLOSING -> next == DONE;
                case DONE -> false;
            };
        }
    }

    /** Reads handled per readiness event before the loop moves on to other connections. */
    private static final int READS_PER_EVENT = 4;

    private static final VarHandle ENDING;

    static {
        try {
            ENDING = MethodHandles.lookup().findVarHandle(WsConnection.class, "ending", Ending.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    protected final ConnectionHost host;
    protected final EventLoop loop;
    protected final SocketChannel channel;
    private final long id;
    /** The socket's peer (on a server: the client, or the proxy in front of it). */
    protected final InetSocketAddress remote;
    protected final InetSocketAddress local;
    protected final Outbound outbound = new Outbound();
    protected final Flusher flusher;
    private final Heartbeat heartbeat;
    protected final ConnectionFacade facade;

    protected Wire wire;
    private SelectionKey key;
    private int interest;
    private Phase phase = Phase.HANDSHAKE;
    /** Made with the first byte after the upgrade ({@link #startInbound}); until then the extension it will use. */
    private InboundPipeline inbound;
    private FrameExtension inboundExtension;
    /** Input was stopped before the pipeline was made: it never will be. */
    private boolean inputStopped;
    private boolean closeWhenFlushed;
    private boolean peerClosed;
    /** This connection is in the server's registry of open connections. */
    private boolean listed;
    private int failures;
    private Cancellable timer;
    /**
     * What the handler asked of the inbound pipeline ({@link InboundPipeline#FRAGMENTS}...): written by the actor
     * before it accepts, read on the loop after (ordered by the hand-off in {@link #acceptUpgrade}).
     */
    private int inboundHooks;

    /** The status {@code onClose} reports and what caused it, set together so they always agree. */
    private record Ending(CloseStatus status, CloseCause cause) {
    }

    @SuppressWarnings("unused") // through ENDING
    private volatile Ending ending;
    private volatile ActorRef<ConnectionEvent> actor;

    protected WsConnection(ConnectionHost host, EventLoop loop, SocketChannel channel, long id,
            InetSocketAddress remote) throws IOException {
        this.host = host;
        this.loop = loop;
        this.channel = channel;
        this.id = id;
        this.remote = remote;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.flusher = new Flusher(outbound, loop, host.counters(), this);
        this.heartbeat = new Heartbeat(this, loop, host.heartbeatShared());
        this.facade = new ConnectionFacade(this, outbound, flusher, host.connectionConfig(), host.counters());
        this.outbound.waterMarks(host.connectionConfig());
    }

    // ------------------------------------------------------------------------------------------------------
    // Accessors for the pieces
    // ------------------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    /** The socket's peer (the proxy, behind one). */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The peer as users see it ({@link dev.sleet.core.Connection#remoteAddress()}): the socket's, unless a side knows better. */
    public InetSocketAddress client() {
        return remote;
    }

    public ActorRef<ConnectionEvent> actor() {
        return actor;
    }

    public ConnectionFacade facade() {
        return facade;
    }

    Flusher flusher() {
        return flusher;
    }

    protected final Phase phase() {
        return phase;
    }

    // ------------------------------------------------------------------------------------------------------
    // Loop side: registration, reading
    // ------------------------------------------------------------------------------------------------------

    /** Runs on the loop once the socket is connected (a server: right after accept). */
    public final void register() {
        try {
            wire = newWire();
            key = loop.register(channel, SelectionKey.OP_READ, this);
            interest = SelectionKey.OP_READ;
            flusher.attach(wire);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot register connection {0}: {1}", id, e);
            terminate(new CloseStatus(CloseCodes.ABNORMAL, "cannot register"), CloseCause.IO_ERROR, true);
            return;
        }
        beginHandshake();
    }

    /** The wire over the socket: plain, or TLS in this side's mode. Loop, from {@link #register}. */
    protected abstract Wire newWire() throws IOException;

    /** A TLS wire over this connection's socket, wired to its callbacks (write interest, records waiting inside). */
    protected final TlsWire tlsWire(javax.net.ssl.SSLEngine engine, boolean clientMode) throws IOException {
        return new TlsWire(channel, engine, loop, () -> writeInterest(true), this::onWireHasInput,
                flusher::requestFlush, clientMode);
    }

    /** The socket is registered: start the side's handshake (timers, the request out). Loop. */
    protected abstract void beginHandshake();

    /** Bytes read in HANDSHAKE or DECIDING: the side's handshake takes them. Loop. */
    protected abstract void consumeBeforeOpen(ByteBuffer buf);

    /** Whether the next read goes to the socket itself rather than through the wire (a PROXY header). Loop. */
    protected boolean readsRawSocket() {
        return false;
    }

    /** What a side's handshake still holds when the connection opens or ends: bytes after the head, then nothing. */
    protected abstract ByteBuffer takeEarlyInput();

    /** Which end of the connection this is: a server's parser refuses unmasked frames, a client's masked ones. */
    protected Role role() {
        return Role.SERVER;
    }

    /** Reading or writing the socket failed with {@code e}; the connection is aborted right after. Loop. */
    protected void ioFailed(Exception e) {
    }

    /** The transport's name, for the connection-opened event. */
    protected abstract String transportName();

    /** Reads again on a later turn of the loop (e.g. records left in the TLS wire). Loop. */
    protected final void readAgainLater() {
        loop.executeLater(this, this::onReadable);
    }

    @Override
    public void ready(SelectionKey k, int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            onReadable();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && phase != Phase.DONE) {
            flusher.onWritable();
        }
    }

    private void onReadable() {
        ByteBuffer buf = loop.readBuffer;
        for (int reads = 0; reads < READS_PER_EVENT && phase != Phase.DONE && (interest & SelectionKey.OP_READ) != 0;
                reads++) {
            buf.clear();
            int n;
            try {
                // a PROXY header precedes TLS: it is read from the socket itself
                n = readsRawSocket() ? channel.read(buf) : wire.read(buf);
            } catch (IOException e) {
                ioFailed(e);
                abort(new CloseStatus(CloseCodes.ABNORMAL, "read failed: " + e.getMessage()), CloseCause.IO_ERROR);
                return;
            } catch (RuntimeException e) {
                ioFailed(e);
                // e.g. a TLS engine that rejects garbage: this connection ends, the loop goes on
                abort(new CloseStatus(CloseCodes.ABNORMAL, "transport error: " + e.getMessage()),
                        CloseCause.IO_ERROR);
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
            if (!readsRawSocket() || !(wire instanceof TlsWire)) {
                host.counters().bytesIn.add(n); // bytes after TLS: a TLS wire's ciphertext counts once unwrapped
            }
            consume(buf);
            if (n < buf.capacity() && !wire.hasBufferedInput()) {
                return;
            }
        }
        if (phase != Phase.DONE && wire.hasBufferedInput() && (interest & SelectionKey.OP_READ) != 0) {
            loop.executeLater(this, this::onReadable); // records are waiting in the wire, not the socket
        }
    }

    private void consume(ByteBuffer buf) {
        switch (phase) {
            case HANDSHAKE, DECIDING -> consumeBeforeOpen(buf);
            case OPEN, CLOSING -> {
                InboundPipeline in = inbound != null ? inbound : startInbound();
                if (in != null) {
                    in.parse(buf);
                }
            }
            case DONE -> {
                // nothing more is read
            }
        }
    }

    /** Whole TLS records wait inside the wire: read them even though the socket may stay quiet. Loop only. */
    private void onWireHasInput() {
        if (phase != Phase.DONE && (interest & SelectionKey.OP_READ) != 0) {
            loop.executeLater(this, this::onReadable);
        }
    }

    private void onEndOfStream() {
        if (peerClosed) {
            terminate(currentStatus(CloseStatus.NO_STATUS), CloseCause.PEER_CLOSE, false);
        } else {
            abort(new CloseStatus(CloseCodes.ABNORMAL, "connection closed without a close frame"),
                    CloseCause.PEER_CLOSE);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Before the upgrade (loop): what the sides' handshakes use
    // ------------------------------------------------------------------------------------------------------

    /**
     * The side's handshake is done (a server read a request, a client a valid response): the actor, born with
     * {@code actor}'s first event, decides or opens; reading pauses, bounded by {@code timeout}. Loop only.
     */
    protected final void enterDeciding(ConnectionActor newActor, Duration timeout) {
        moveTo(Phase.DECIDING);
        readInterest(false);
        startTimer(timeout);
        ActorRef<ConnectionEvent> ref = host.actors().spawn(newActor,
                ConnectionActor.options(host.connectionConfig()));
        host.actorStarted();
        actor = ref;
    }

    /** Queues a final HTTP response, then closes TCP once it is out. Loop only. */
    protected final void finishWith(ByteBuffer response) {
        cancelTimer();
        takeEarlyInput();
        moveTo(Phase.CLOSING);
        readInterest(false);
        outbound.seal(response, true);
        closeWhenFlushed = true;
        startTimer(closeTimeout()); // a peer that never reads cannot keep the socket
        flusher.requestFlush();
    }

    // ------------------------------------------------------------------------------------------------------
    // The decision, from the connection's actor
    // ------------------------------------------------------------------------------------------------------

    /**
     * The connection opens: {@code response} (a server's 101; null on a client, whose response already came) is
     * queued ahead of everything else, the outbound transform of {@code extension} is made, and the loop starts
     * reading frames. Runs in the actor; false when the connection is gone (or the decision came too late).
     */
    boolean acceptUpgrade(ByteBuffer response, FrameExtension extension, String chosenSubprotocol,
            Object handlerState) {
        String agreed = extension instanceof dev.sleet.handshake.spi.ExtensionAgreement a ? a.response().format()
                : null;
        facade.accepted(chosenSubprotocol, agreed, handlerState,
                extension == null ? null : extension.newOutboundTransform());
        if (response != null ? !outbound.offerPinned(response) : outbound.isSealed()) {
            facade.releaseTransform();
            return false;
        }
        facade.open = true;
        host.counters().acceptedHandshakes.increment();
        loop.execute(this, () -> opened(extension));
        flusher.requestFlush();
        return true;
    }

    private void opened(FrameExtension extension) {
        if (phase != Phase.DECIDING) {
            return; // closed meanwhile
        }
        cancelTimer();
        moveTo(Phase.OPEN);
        host.opened(this);
        listed = true;
        SleetEvents.connectionOpened(id, remote, facade.request == null ? "" : facade.request.path(),
                facade.subprotocolName(), transportName());
        inboundExtension = extension; // the pipeline is made with the first byte after the upgrade
        ByteBuffer early = takeEarlyInput();
        heartbeat.start(loop.now());
        readInterest(true);
        InboundPipeline in = early != null ? startInbound() : null;
        if (in != null) {
            in.parse(early); // the peer's first frames came right behind its handshake
        }
    }

    /**
     * Makes the inbound pipeline (parser, assembler) when the first byte after the upgrade arrives, so that a
     * connection that never sends holds none of it. Null once input was stopped before any byte came. Loop only.
     */
    private InboundPipeline startInbound() {
        if (inputStopped) {
            return null;
        }
        InboundPipeline in = new InboundPipeline(this, host.connectionConfig(), host.counters(), inboundExtension,
                inboundHooks);
        inboundExtension = null;
        inbound = in;
        return in;
    }

    /** No more frames are wanted: the pipeline drops what comes, or is never made. Loop only. */
    private void stopInput() {
        if (inbound != null) {
            inbound.stop();
        } else {
            inputStopped = true;
        }
    }

    /**
     * What the handler wants from the inbound pipeline (fragments, pings, pongs). The actor, before
     * {@link #acceptUpgrade}, whose hand-off to the loop publishes it.
     */
    void inboundHooks(int hooks) {
        this.inboundHooks = hooks;
    }

    // ------------------------------------------------------------------------------------------------------
    // Flow control signals (from whichever thread writes): they only tell the actor
    // ------------------------------------------------------------------------------------------------------

    @Override
    public void becameWritable() {
        ActorRef<ConnectionEvent> a = actor;
        if (a != null) {
            a.tell(ConnectionEvent.Writable.INSTANCE);
        }
    }

    @Override
    public void sendsSettled(java.util.List<java.util.concurrent.CompletableFuture<Void>> written,
            java.util.List<java.util.concurrent.CompletableFuture<Void>> abandoned) {
        if (!facade.settle(written, abandoned, finalStatus())) {
            return;
        }
        // Parked first, then told: an actor that has stopped refuses the tell, and its onStop ran the parked ones
        // that were there before it stopped (see ConnectionActor.onStop), so a worker runs the rest.
        ActorRef<ConnectionEvent> a = actor;
        if (a == null || !a.tell(ConnectionEvent.SendsSettled.INSTANCE).accepted()) {
            facade.runSettledOffLoop();
        }
    }

    /** The close status once one is recorded, else null. */
    CloseStatus closeStatusIfKnown() {
        return currentStatus(null);
    }

    // ------------------------------------------------------------------------------------------------------
    // Called by the inbound pipeline (loop)
    // ------------------------------------------------------------------------------------------------------

    boolean acceptsMessages() {
        return phase == Phase.OPEN || phase == Phase.CLOSING && deliversWhileClosing();
    }

    /**
     * Whether messages that arrive after this side sent its close, before the peer's close, still reach the handler
     * (RFC 6455 §7.1.2 lets an endpoint discard them): a client delivers them, as the JDK's client does, since the
     * replies to what it sent before closing are usually still on their way. Input stopped for a failure (a
     * protocol error, an overflow, a heartbeat timeout) stays stopped either way.
     */
    protected boolean deliversWhileClosing() {
        return false;
    }

    void deliver(ConnectionEvent event) {
        actor.tell(event);
    }

    /** Answers a ping; the pongs of a peer that pings and never reads stay within a small budget (Outbound). */
    void sendPong(ByteBuffer pong) {
        if (outbound.offerPong(pong)) {
            flusher.requestFlush();
        }
    }

    void pong(ByteBuffer payload) {
        heartbeat.pong(payload);
    }

    /** The heartbeat's ping: the server's own control frame, one per interval at most. Loop only. */
    @Override
    public boolean sendPing(ByteBuffer ping) {
        if (!outbound.offerControl(ping)) {
            return false;
        }
        flusher.requestFlush();
        return true;
    }

    /** The actor has caught up with inbound messages (any thread): read again. */
    void resumeReading() {
        loop.execute(this, () -> {
            if ((phase == Phase.OPEN || phase == Phase.CLOSING) && inbound != null) {
                readInterest(true);
            }
        });
    }

    /** The actor finished handling a message of {@code size} bytes (any thread). */
    void inboundHandled(int size) {
        InboundPipeline in = inbound; // set before the first message was delivered (loop → mailbox → actor)
        if (in != null) {
            in.handled(size);
        }
    }

    /** A close frame arrived (RFC 6455 §5.5.1). */
    void peerClosed(CloseStatus status) {
        peerClosed = true;
        if (outbound.isSealed()) {
            // The peer answered our close (RFC 6455 §7.1.2): TCP can close once our frame is out.
            closeWhenFlushed = true;
            flusher.requestFlush();
            return;
        }
        // The peer started the close: its code is what onClose reports; the echo goes out after the handler has
        // answered the messages that arrived before the close.
        setCloseStatus(status, CloseCause.PEER_CLOSE);
        beginClosing(new ConnectionEvent.Closing(status, true));
    }

    /**
     * Reading stopped at a protocol violation (RFC 6455 §7.1.7): the close with {@code status} goes out once the
     * handler has dealt with the messages already delivered, then TCP closes.
     */
    void protocolError(CloseStatus status) {
        setCloseStatus(status, CloseCause.PROTOCOL_ERROR);
        beginClosing(new ConnectionEvent.Closing(status, false));
    }

    /** Routes the close through the actor's mailbox, bounded by the close timeout in case the handler is stuck. */
    private void beginClosing(ConnectionEvent.Closing closing) {
        if (phase == Phase.OPEN) {
            moveTo(Phase.CLOSING);
        }
        startTimer(closeTimeout());
        ActorRef<ConnectionEvent> a = actor;
        if (a == null || !a.tell(closing).accepted()) {
            sendClosingFrame(closing.status(), closing.echo());
        }
    }

    /**
     * Queues the close frame that answers a peer's close ({@code echo}: its code) or fails the connection, and
     * closes TCP once it is written. Any thread (the actor, in order with its sends).
     */
    void sendClosingFrame(CloseStatus status, boolean echo) {
        // An echo repeats the peer's code even where a server would not pick it itself (e.g. 1010): §5.5.1.
        ByteBuffer frame = echo
                ? Frames.frame(true, 0, Opcode.CLOSE, Frames.closePayload(CloseStatus.of(status.code())))
                : Frames.close(status);
        outbound.seal(frame, false);
        facade.open = false;
        loop.execute(this, () -> {
            closeWhenFlushed = true;
            flusher.flush();
        });
    }

    // ------------------------------------------------------------------------------------------------------
    // Closing from our side (any thread unless noted)
    // ------------------------------------------------------------------------------------------------------

    /** Queues our close frame (once) and starts waiting for the peer's. */
    void initiateClose(CloseStatus status, boolean discardQueued, CloseCause cause) {
        if (outbound.seal(Frames.close(status), discardQueued)) {
            setCloseStatus(status, cause);
            facade.open = false;
            loop.execute(this, () -> afterCloseQueued(false));
            flusher.requestFlush();
        }
    }

    /**
     * A send overflowed the cap under the CLOSE policy: the 1008 frame is queued (by {@link Outbound}). The peer
     * is not reading, so its data is not read either: reading stops, and TCP closes once the frame is out or the
     * close timeout passes.
     */
    void overflowed(CloseStatus status) {
        setCloseStatus(status, CloseCause.SERVER_CLOSE);
        loop.execute(this, () -> {
            closeWhenFlushed = true;
            afterCloseQueued(true);
        });
        flusher.requestFlush();
    }

    private void afterCloseQueued(boolean stopReading) {
        if (phase == Phase.DONE) {
            return;
        }
        if (phase == Phase.HANDSHAKE || phase == Phase.DECIDING) {
            terminate(currentStatus(CloseStatus.GOING_AWAY), CloseCause.SERVER_CLOSE, true);
            return;
        }
        if (phase == Phase.OPEN) {
            moveTo(Phase.CLOSING);
        }
        if (stopReading) {
            readInterest(false);
            stopInput();
        }
        if (peerClosed) {
            closeWhenFlushed = true;
        }
        startTimer(closeTimeout());
    }

    /** Shutdown: 1001 to an open connection. */
    public void goingAway() {
        initiateClose(new CloseStatus(CloseCodes.GOING_AWAY, "shutting down"), false, CloseCause.SHUTDOWN);
    }

    /** Shutdown timeout passed: drop the socket now. */
    public void forceClose() {
        loop.execute(this, () -> abort(new CloseStatus(CloseCodes.GOING_AWAY, "shutting down"),
                CloseCause.SHUTDOWN));
    }

    /** Heartbeat gave up on the peer: close 1001 and drop TCP as soon as the frame is out. Loop only. */
    @Override
    public void heartbeatTimeout() {
        host.counters().heartbeatTimeouts.increment();
        setCloseStatus(new CloseStatus(CloseCodes.GOING_AWAY, "heartbeat timeout: no pong"), CloseCause.TIMEOUT);
        facade.open = false;
        if (outbound.seal(Frames.close(new CloseStatus(CloseCodes.GOING_AWAY, "heartbeat timeout")), true)
                && phase == Phase.OPEN) {
            moveTo(Phase.CLOSING);
            startTimer(closeTimeout());
        }
        closeWhenFlushed = true;
        stopInput();
        flusher.requestFlush();
    }

    /** Idle timeout: an ordinary close with 1001. Loop only. */
    @Override
    public void idleTimeout() {
        initiateClose(new CloseStatus(CloseCodes.GOING_AWAY, "idle timeout"), false, CloseCause.TIMEOUT);
    }

    /** The actor crashed: close with 1011. */
    void crashed() {
        initiateClose(new CloseStatus(CloseCodes.INTERNAL_ERROR, "internal error"), true, CloseCause.HANDLER_CRASH);
    }

    /** Drops connections still in their handshake (server shutdown). Runs on {@code loop}. */
    public static void dropHandshaking(EventLoop loop) {
        loop.forEachHandler(h -> {
            if (h instanceof WsConnection c && (c.phase == Phase.HANDSHAKE || c.phase == Phase.DECIDING)) {
                c.abort(new CloseStatus(CloseCodes.GOING_AWAY, "shutting down"), CloseCause.SHUTDOWN);
            }
        });
    }

    /** Drops every connection of {@code loop} (the shutdown's last resort). Runs on {@code loop}. */
    public static void abortAll(EventLoop loop) {
        loop.forEachHandler(h -> {
            if (h instanceof WsConnection c) {
                c.abort(new CloseStatus(CloseCodes.GOING_AWAY, "shutting down"), CloseCause.SHUTDOWN);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------------
    // Failures of loop tasks, timers
    // ------------------------------------------------------------------------------------------------------

    /**
     * A task of this connection threw on the loop. The connection alone fails: before the upgrade with a 500, after
     * it with 1011; a second failure (or one while closing) drops the socket at once. Never throws.
     */
    @Override
    public void failed(Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "connection " + id + " failed on " + loop.name() + " in " + phase, t);
        try {
            if (++failures == 1 && (phase == Phase.HANDSHAKE || phase == Phase.DECIDING) && failedBeforeOpen()) {
                return;
            }
            if (failures == 1 && phase == Phase.OPEN) {
                CloseStatus status = new CloseStatus(CloseCodes.INTERNAL_ERROR, "internal error");
                setCloseStatus(status, CloseCause.INTERNAL_ERROR);
                facade.open = false;
                stopInput();
                readInterest(false);
                outbound.seal(Frames.close(status), true);
                closeWhenFlushed = true;
                moveTo(Phase.CLOSING);
                startTimer(closeTimeout());
                flusher.requestFlush();
                return;
            }
        } catch (Throwable again) {
            LOG.log(System.Logger.Level.DEBUG, "connection {0}: polite failure failed: {1}", id, again);
        }
        terminate(currentStatus(new CloseStatus(CloseCodes.INTERNAL_ERROR, "internal error")),
                CloseCause.INTERNAL_ERROR, true);
    }

    /**
     * A loop task failed before the connection opened (first failure): answer politely if the side can (a server:
     * 500) and return true; false drops the socket. Loop only.
     */
    protected boolean failedBeforeOpen() {
        return false;
    }

    private Duration closeTimeout() {
        return host.connectionConfig().closeTimeout();
    }

    protected final void startTimer(Duration after) {
        cancelTimer();
        timer = host.actors().timers().schedule(after, this::onTimer);
    }

    /** The handshake, decision or close deadline passed (timer thread): the loop decides what it means. */
    private void onTimer() {
        loop.execute(this, () -> {
            switch (phase) {
                case HANDSHAKE -> handshakeTimedOut();
                case DECIDING -> decisionTimedOut();
                // RFC 6455 §7.1.1: the server closes TCP when the peer does not finish the close in time.
                case CLOSING -> abort(currentStatus(new CloseStatus(CloseCodes.ABNORMAL, "close timeout")),
                        CloseCause.TIMEOUT);
                case OPEN, DONE -> {
                    // a stale timer
                }
            }
        });
    }

    /** The handshake's deadline passed: the socket is dropped (RFC 6455 gives no answer for it). Loop only. */
    protected void handshakeTimedOut() {
        abort(new CloseStatus(CloseCodes.ABNORMAL, "handshake timeout"), CloseCause.TIMEOUT);
    }

    /** The decision's deadline passed. Loop only. */
    protected void decisionTimedOut() {
        abort(new CloseStatus(CloseCodes.ABNORMAL, "handshake timeout"), CloseCause.TIMEOUT);
    }

    protected final void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // The end
    // ------------------------------------------------------------------------------------------------------

    /** The flusher emptied a sealed queue. */
    @Override
    public void drained() {
        if (closeWhenFlushed) {
            terminate(currentStatus(CloseStatus.NORMAL), CloseCause.SERVER_CLOSE, false);
        }
    }

    @Override
    public void writeFailed(Exception e) {
        ioFailed(e);
        abort(new CloseStatus(CloseCodes.ABNORMAL, "write failed: " + e.getMessage()), CloseCause.IO_ERROR);
    }

    protected final void abort(CloseStatus status, CloseCause cause) {
        terminate(currentStatus(status), cause, true);
    }

    /**
     * The end: closes the socket (politely unless {@code abort}), frees what the connection held, and tells the
     * actor, which runs {@code onClose} and then completes the close future. Idempotent; every step runs even if
     * one before it fails. {@code cause} counts only if no cause was recorded before. Loop only.
     */
    private void terminate(CloseStatus status, CloseCause cause, boolean abort) {
        if (phase == Phase.DONE) {
            return;
        }
        boolean wasOpen = listed;
        listed = false;
        phase = Phase.DONE;
        facade.open = false;
        setCloseStatus(status, cause);
        Ending end = (Ending) ENDING.getVolatile(this);
        CloseStatus reported = end.status();
        if (wasOpen) {
            SleetEvents.connectionClosed(id, remote, reported.code(), reported.reason(), end.cause().label);
        }
        try {
            cancelTimer();
            heartbeat.stop();
            if (key != null) {
                key.cancel();
            }
        } finally {
            try {
                if (wire == null) {
                    channel.close();
                } else if (abort) {
                    wire.abort();
                } else {
                    wire.close();
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly();
            }
            release(wasOpen, reported);
        }
    }

    private void release(boolean wasOpen, CloseStatus reported) {
        try {
            flusher.close();
            takeEarlyInput();
            if (inbound != null) {
                inbound.close();
            }
            facade.releaseTransform();
        } finally {
            released();
            if (wasOpen) {
                host.ended(this);
            }
            ActorRef<ConnectionEvent> a = actor;
            if (a == null || !a.tell(new ConnectionEvent.Ended(reported)).accepted()) {
                ConnectionHost.reportClosedOffLoop(facade, reported); // no actor to do it: a worker completes closeFuture
            }
        }
    }

    /** The connection ended: a side gives back what it holds for it (a server: its connection slot). Loop. */
    protected void released() {
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Interest and status helpers (loop)
    // ------------------------------------------------------------------------------------------------------

    protected final void moveTo(Phase next) {
        if (!phase.canMoveTo(next)) {
            throw new IllegalStateException("connection " + id + ": " + phase + " -> " + next);
        }
        phase = next;
    }

    protected final void readInterest(boolean on) {
        boolean resumed = on && (interest & SelectionKey.OP_READ) == 0;
        updateInterest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
        if (resumed && wire != null && wire.hasBufferedInput()) {
            // The selector only reports the socket; records a TLS wire already holds would wait for new bytes.
            onWireHasInput();
        }
    }

    @Override
    public void writeInterest(boolean on) {
        updateInterest(on ? interest | SelectionKey.OP_WRITE : interest & ~SelectionKey.OP_WRITE);
    }

    private void updateInterest(int ops) {
        if (ops != interest && key != null && key.isValid()) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    /** Records the status reported to {@code onClose} and its cause: the first cause wins. */
    private void setCloseStatus(CloseStatus status, CloseCause cause) {
        if (ENDING.getVolatile(this) == null) {
            ENDING.compareAndSet(this, null, new Ending(status, cause));
        }
    }

    private CloseStatus currentStatus(CloseStatus fallback) {
        Ending e = (Ending) ENDING.getVolatile(this);
        return e != null ? e.status() : fallback;
    }

    /** What ended the connection first, once known; null before. */
    protected final CloseCause closeCause() {
        Ending e = (Ending) ENDING.getVolatile(this);
        return e != null ? e.cause() : null;
    }

    /** The status {@code onClose} reports, once known. */
    public CloseStatus finalStatus() {
        return currentStatus(CloseStatus.ABNORMAL);
    }

    boolean isOpen() {
        return facade.open;
    }

    @Override
    public String toString() {
        InetSocketAddress c = client();
        return "WsConnection[" + id + " " + (c.equals(remote) ? remote : c + " via " + remote) + " " + phase + "]";
    }
}
