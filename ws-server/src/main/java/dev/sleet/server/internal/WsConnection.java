package dev.sleet.server.internal;

import dev.sleet.actor.ActorRef;
import dev.sleet.actor.Cancellable;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Frames;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.HandshakeResponses;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.HttpRequest;
import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.ProxyHeader;
import dev.sleet.handshake.ProxyProtocolException;
import dev.sleet.handshake.ProxyProtocolParser;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.handshake.internal.ServerRequests;
import dev.sleet.server.HttpHandler;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.internal.jfr.SleetEvents;
import dev.sleet.server.spi.Transport;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One connection's core on its event loop: the socket and its interest set, reading, and the close state machine
 * (RFC 6455 §4, §7) that every path to the end goes through. The pieces it drives each own their state:
 * {@link HandshakeStage} (before the upgrade), {@link InboundPipeline} (frames in), {@link Flusher} over
 * {@link Outbound} (bytes out), {@link Heartbeat} (pings), and {@link ServerConnection}, the facade users hold.
 *
 * <pre>
 *   HANDSHAKE ──request──► DECIDING ──accepted──► OPEN ──close sent or received──► CLOSING ──► DONE
 *       ▲                     │ plain HTTP answered, kept alive (fresh HandshakeStage)            ▲
 *       └─────────────────────┤                                                                   │
 *       │                     │ rejected / answered / decision timeout                           │
 *       └── bad request ──────┴──────────► CLOSING (HTTP error queued, TCP closes once written) ──┘
 *   any phase ──abort (I/O error, timeout, shutdown, a failed loop task)──► DONE
 * </pre>
 * With {@code proxyProtocol(true)}, HANDSHAKE begins by reading the PROXY header from the socket itself (before
 * TLS); a bad or missing header aborts the connection, what follows the header goes on to the request parser (or
 * back into the TLS wire).
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code phase}, {@code wire}, {@code key}, {@code interest}, {@code proxyHeader}, {@code handshake},
 *       {@code inbound}, {@code inboundExtension}, {@code inputStopped}, {@code timer}, {@code closeWhenFlushed},
 *       {@code peerClosed}, {@code slotHeld},
 *       {@code slotAddress}, {@code listed}, {@code failures}, {@code requestsServed}, {@code keepAlive}</td>
 *       <td>loop</td><td>loop</td><td>confined; other threads hand work over with {@code loop.execute}</td></tr>
 *   <tr><td>{@code ending} (the close status and its {@link CloseCause})</td><td>any (first cause wins)</td>
 *       <td>any</td><td>CAS</td></tr>
 *   <tr><td>{@code actor}</td><td>loop (on spawn)</td><td>any</td><td>volatile</td></tr>
 *   <tr><td>{@code client}</td><td>loop (after a PROXY header, after the request)</td><td>any</td>
 *       <td>volatile</td></tr>
 * </table>
 * Every task the loop runs for this connection runs under {@link #failed(Throwable)}: a failure ends this
 * connection alone (an HTTP 500 before the upgrade, 1011 after it) and frees its descriptor.
 */
final class WsConnection implements EventLoop.Handler, Flusher.Owner, Heartbeat.Peer {
    private static final System.Logger LOG = System.getLogger(WsConnection.class.getName());

    /** The phases of a connection; {@link #canMoveTo} lists the allowed transitions. */
    enum Phase {
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

    private final ServerCore server;
    private final Transport transport;
    private final EventLoop loop;
    private final SocketChannel channel;
    private final long id;
    /** The socket's peer: the client, or the proxy in front of it. Connection slots are counted on it. */
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    /** The client: {@code remote} until a PROXY header or a trusted proxy's forwarding header names another. */
    private volatile InetSocketAddress client;
    /** Where this connection's per-address count is kept: {@code remote}, or the client a PROXY header named. */
    private InetSocketAddress slotAddress;
    private final Outbound outbound = new Outbound();
    private final Flusher flusher;
    private final Heartbeat heartbeat;
    private final ServerConnection facade;

    private Wire wire;
    private SelectionKey key;
    private int interest;
    private Phase phase = Phase.HANDSHAKE;
    /** Non-null while the PROXY protocol header is being read (before the request, before TLS). */
    private ProxyProtocolParser proxyHeader;
    private HandshakeStage handshake;
    /** Made with the first byte after the upgrade ({@link #startInbound}); until then the extension it will use. */
    private InboundPipeline inbound;
    private FrameExtension inboundExtension;
    /** Input was stopped before the pipeline was made: it never will be. */
    private boolean inputStopped;
    private boolean closeWhenFlushed;
    /** Plain HTTP requests answered on this connection with keep-alive; whether the current one may be. Loop. */
    private int requestsServed;
    private boolean keepAlive;
    private boolean peerClosed;
    /** This connection holds one of the server's connection slots (taken at accept, given back at the end). */
    private boolean slotHeld;
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

    WsConnection(ServerCore server, EventLoop loop, SocketChannel channel, Transport transport, long id,
            InetSocketAddress remote) throws IOException {
        this.server = server;
        this.transport = transport;
        this.loop = loop;
        this.channel = channel;
        this.id = id;
        this.remote = remote;
        this.client = remote;
        this.slotAddress = remote;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.flusher = new Flusher(outbound, loop, server.metrics, this);
        this.heartbeat = new Heartbeat(this, loop, server.heartbeatShared);
        this.facade = new ServerConnection(this, outbound, flusher, server.config, server.metrics);
        this.outbound.waterMarks(server.config);
        this.slotHeld = true;
    }

    // ------------------------------------------------------------------------------------------------------
    // Accessors for the pieces
    // ------------------------------------------------------------------------------------------------------

    @Override
    public long id() {
        return id;
    }

    /** The socket's peer (the proxy, behind one). */
    InetSocketAddress remote() {
        return remote;
    }

    /** Where the per-address count of this connection is kept (loop). */
    InetSocketAddress slotAddress() {
        return slotAddress;
    }

    /** The client, as far as the PROXY header and trusted proxies tell; the socket's peer otherwise. */
    InetSocketAddress client() {
        return client;
    }

    ActorRef<ConnectionEvent> actor() {
        return actor;
    }

    ServerConnection facade() {
        return facade;
    }

    Flusher flusher() {
        return flusher;
    }

    // ------------------------------------------------------------------------------------------------------
    // Loop side: registration, reading
    // ------------------------------------------------------------------------------------------------------

    /** Runs on the loop right after accept. */
    void register() {
        try {
            wire = transport.secure()
                    ? new TlsWire(channel, transport.newEngine(remote), loop, () -> writeInterest(true),
                            this::onWireHasInput)
                    : new PlainWire(channel);
            key = loop.register(channel, SelectionKey.OP_READ, this);
            interest = SelectionKey.OP_READ;
            flusher.attach(wire);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot register connection {0}: {1}", id, e);
            terminate(new CloseStatus(CloseCodes.ABNORMAL, "cannot register"), CloseCause.IO_ERROR, true);
            return;
        }
        handshake = new HandshakeStage(server.config.httpLimits());
        if (server.config.proxyProtocol()) {
            proxyHeader = new ProxyProtocolParser();
        }
        startTimer(server.config.handshakeTimeout()); // covers the PROXY header too
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
                n = proxyHeader != null ? channel.read(buf) : wire.read(buf);
            } catch (IOException e) {
                abort(new CloseStatus(CloseCodes.ABNORMAL, "read failed: " + e.getMessage()), CloseCause.IO_ERROR);
                return;
            } catch (RuntimeException e) {
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
            if (proxyHeader == null || !(wire instanceof TlsWire)) {
                server.metrics.bytesIn.add(n); // bytes after TLS: a TLS wire's ciphertext counts once unwrapped
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
            case HANDSHAKE -> {
                if (proxyHeader != null) {
                    consumeProxyHeader(buf);
                } else {
                    consumeRequest(buf);
                }
            }
            case DECIDING -> stashEarly(buf);
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
    // The handshake stage (loop)
    // ------------------------------------------------------------------------------------------------------

    /**
     * Reads the PROXY protocol header, then hands what follows it to the request parser (plain) or back to the TLS
     * wire (the start of its handshake). A proxy that speaks the PROXY protocol has no use for an HTTP answer: a
     * bad or missing header closes the socket. Loop only.
     */
    private void consumeProxyHeader(ByteBuffer buf) {
        ProxyHeader header;
        try {
            if (!proxyHeader.parse(buf)) {
                return;
            }
            header = proxyHeader.header();
        } catch (ProxyProtocolException e) {
            server.metrics.rejectedHandshakes.increment();
            LOG.log(System.Logger.Level.DEBUG, "connection {0} from {1}: {2}", id, remote, e.getMessage());
            abort(new CloseStatus(CloseCodes.ABNORMAL, "PROXY protocol: " + e.getMessage()), CloseCause.PROTOCOL_ERROR);
            return;
        }
        proxyHeader = null;
        if (header.source().isPresent()) {
            InetSocketAddress source = header.source().get();
            client = source;
            if (!server.movePerAddressCount(remote, source)) {
                // as at accept: a plain listener answers 503 (the balancer relays it), TLS just closes
                if (wire instanceof TlsWire) {
                    server.metrics.rejectedHandshakes.increment();
                    abort(new CloseStatus(CloseCodes.ABNORMAL, "too many connections from " + source),
                            CloseCause.SERVER_CLOSE);
                } else {
                    rejectOnLoop(new HandshakeException(503, "too many connections"));
                }
                return;
            }
            slotAddress = source;
        }
        if (!buf.hasRemaining()) {
            return;
        }
        if (wire instanceof TlsWire tls) {
            tls.unread(buf);
            loop.executeLater(this, this::onReadable);
        } else {
            consumeRequest(buf);
        }
    }

    private void consumeRequest(ByteBuffer buf) {
        try {
            HttpRequest req = handshake.consume(buf);
            if (req == null) {
                return;
            }
            cancelTimer();
            onRequest(req);
            if (phase == Phase.DECIDING && buf.hasRemaining()) {
                handshake.stash(buf); // a client may send its first frame right behind the request
            }
        } catch (HandshakeException e) {
            rejectOnLoop(e);
        }
    }

    private void stashEarly(ByteBuffer buf) {
        try {
            handshake.stash(buf);
        } catch (HandshakeException e) {
            rejectOnLoop(e);
        }
    }

    private void onRequest(HttpRequest req) throws HandshakeException {
        String serverName = wire instanceof TlsWire tls ? tls.serverName() : null;
        HttpServerRequest view = HandshakeStage.view(req, client, remote, local, serverName, transport.secure(),
                server.config.trustedProxies());
        client = view.remoteAddress();
        // Routing is pure computation on the loop; the chosen handler runs in the actor, as every handler does.
        WebSocketHandler wsHandler = server.config.handler();
        HttpHandler plainHandler = server.config.httpHandler();
        Router routes = server.config.routes();
        if (!routes.isEmpty()) {
            Router.Match match = routes.match(req.path());
            if (match != null) {
                view = ServerRequests.withPathParams(view, match.params());
                wsHandler = match.route().handler();
                plainHandler = match.route().httpHandler();
                if (plainHandler == null && !req.isUpgradeRequest()) {
                    throw upgradeRequired();
                }
            } else if (req.isUpgradeRequest() ? wsHandler == null : plainHandler == null && wsHandler == null) {
                throw new HandshakeException(404, "no route for this path");
            }
        }
        if (!req.isUpgradeRequest()) {
            if (plainHandler == null) {
                throw upgradeRequired();
            }
            keepAlive = keepAlive(req);
            enterDeciding(null, new ConnectionEvent.PlainRequest(view, plainHandler, keepAlive));
            return;
        }
        if (wsHandler == null) {
            throw new HandshakeException(404, "no WebSocket endpoint at this path");
        }
        UpgradeRequest upgrade = ServerRequests.upgrade(view);
        facade.request = upgrade;
        HandshakeResult result = server.negotiator.negotiate(req);
        if (server.isStopping()) {
            throw new HandshakeException(503, "server is shutting down");
        }
        enterDeciding(wsHandler, new ConnectionEvent.Upgrade(upgrade, result));
    }

    /**
     * Whether the connection may read another request after answering {@code req} (RFC 9112 §9.3): HTTP/1.1 without
     * {@code Connection: close}, no request body (a body is not read, so what follows cannot be parsed), not
     * {@code HEAD} (the response carries its body), under {@code maxRequestsPerConnection}, not shutting down.
     */
    private boolean keepAlive(HttpRequest req) {
        return req.versionMinor() >= 1 && !req.headers().containsToken("Connection", "close")
                && !req.headers().contains("Transfer-Encoding")
                && req.headers().first("Content-Length").map(v -> v.equals("0")).orElse(true)
                && !req.method().equals("HEAD")
                && requestsServed + 1 < server.config.maxRequestsPerConnection() && !server.isStopping();
    }

    private static HandshakeException upgradeRequired() {
        return new HandshakeException(HandshakeException.UPGRADE_REQUIRED, "this endpoint only speaks WebSocket",
                HttpHeaders.of("Upgrade", "websocket", "Sec-WebSocket-Version", "13"));
    }

    /**
     * The handler decides in the actor; reading pauses and the decision has a deadline (answered 503). The actor
     * is born with {@code request} as its first event (handled when it starts, before anything told to it), so an
     * idle connection's actor never needs a mailbox.
     */
    private void enterDeciding(WebSocketHandler handler, ConnectionEvent request) {
        moveTo(Phase.DECIDING);
        readInterest(false);
        startTimer(server.decisionTimeout());
        ActorRef<ConnectionEvent> ref = server.actors.spawn(new ConnectionActor(this, server, handler, request),
                ConnectionActor.options(server.config, id));
        server.liveActors.incrementAndGet();
        actor = ref;
    }

    /** Answers the request with an HTTP error and closes once it is written. Loop only. */
    private void rejectOnLoop(HandshakeException e) {
        server.metrics.rejectedHandshakes.increment();
        SleetEvents.handshakeRejected(id, remote, e.status(), e.reason());
        finishWith(HandshakeResponses.error(e));
    }

    /** Queues a final HTTP response, then closes TCP once it is out. Loop only. */
    private void finishWith(ByteBuffer response) {
        cancelTimer();
        handshake = null;
        moveTo(Phase.CLOSING);
        readInterest(false);
        outbound.seal(response, true);
        closeWhenFlushed = true;
        startTimer(server.config.closeTimeout()); // a peer that never reads cannot keep the socket
        flusher.requestFlush();
    }

    // ------------------------------------------------------------------------------------------------------
    // The decision, from the connection's actor
    // ------------------------------------------------------------------------------------------------------

    /** The handler accepted: queue the 101 and open. Runs in the actor; false when the connection is gone. */
    boolean acceptUpgrade(HandshakeResult result, String chosenSubprotocol, Object handlerState,
                          HttpHeaders headers) {
        FrameExtension extension = Extensions.of(result);
        facade.accepted(chosenSubprotocol, handlerState, extension == null ? null : extension.newOutboundTransform());
        ByteBuffer response = HandshakeResponses.switchingProtocols(result.withSubprotocol(chosenSubprotocol),
                headers);
        if (!outbound.offerPinned(response)) {
            facade.releaseTransform();
            return false; // the socket died, or the decision came too late
        }
        facade.open = true;
        server.metrics.acceptedHandshakes.increment();
        loop.execute(this, () -> opened(extension));
        flusher.requestFlush();
        return true;
    }

    /** The handler rejected (or failed): answer with an HTTP error. Runs in the actor. */
    void rejectUpgrade(int status, String reason, HttpHeaders headers) {
        loop.execute(this, () -> {
            if (phase == Phase.DECIDING) {
                rejectOnLoop(new HandshakeException(status, reason, headers));
            }
        });
    }

    /**
     * The plain-HTTP handler answered. Runs in the actor; {@code persist} when the response keeps the connection
     * (it was encoded without {@code Connection: close}).
     */
    void respond(HttpResponse response, boolean persist) {
        ByteBuffer bytes = response.encode();
        loop.execute(this, () -> {
            if (phase == Phase.DECIDING) {
                if (persist && !server.isStopping() && outbound.offerPinned(bytes)) {
                    nextRequest();
                } else {
                    finishWith(bytes); // Content-Length delimits it, so closing after it is always correct
                }
            }
        });
    }

    /**
     * Keep-alive: the response is queued; go back to reading a request with a fresh {@link HandshakeStage}, the bytes
     * that arrived behind the last request first (pipelining). The next request must be complete within
     * {@code httpKeepAliveTimeout}, else TCP closes without an answer. Loop only.
     */
    private void nextRequest() {
        cancelTimer();
        requestsServed++;
        ByteBuffer early = handshake.takeEarly();
        handshake = new HandshakeStage(server.config.httpLimits());
        moveTo(Phase.HANDSHAKE);
        startTimer(server.config.httpKeepAliveTimeout());
        flusher.requestFlush();
        if (early != null) {
            consume(early); // a pipelined request may be complete already: then reading stays paused
        }
        if (phase == Phase.HANDSHAKE) {
            readInterest(true);
        }
    }

    private void opened(FrameExtension extension) {
        if (phase != Phase.DECIDING) {
            return; // closed meanwhile
        }
        cancelTimer();
        moveTo(Phase.OPEN);
        server.opened(this);
        listed = true;
        SleetEvents.connectionOpened(id, remote, facade.request.path(), facade.subprotocolName(), transport.name());
        inboundExtension = extension; // the pipeline is made with the first byte after the upgrade
        ByteBuffer early = handshake.takeEarly();
        handshake = null;
        heartbeat.start(loop.now());
        readInterest(true);
        InboundPipeline in = early != null ? startInbound() : null;
        if (in != null) {
            in.parse(early); // the client's first frames came right behind its request
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
        InboundPipeline in = new InboundPipeline(this, server.config, server.metrics, inboundExtension, inboundHooks);
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
        return phase == Phase.OPEN;
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
        startTimer(server.config.closeTimeout());
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
        startTimer(server.config.closeTimeout());
    }

    /** Server shutdown: 1001 to an open connection. */
    void goingAway() {
        initiateClose(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down"), false, CloseCause.SHUTDOWN);
    }

    /** Shutdown timeout passed: drop the socket now. */
    void forceClose() {
        loop.execute(this, () -> abort(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down"),
                CloseCause.SHUTDOWN));
    }

    /** Heartbeat gave up on the peer: close 1001 and drop TCP as soon as the frame is out. Loop only. */
    @Override
    public void heartbeatTimeout() {
        server.metrics.heartbeatTimeouts.increment();
        setCloseStatus(new CloseStatus(CloseCodes.GOING_AWAY, "heartbeat timeout: no pong"), CloseCause.TIMEOUT);
        facade.open = false;
        if (outbound.seal(Frames.close(new CloseStatus(CloseCodes.GOING_AWAY, "heartbeat timeout")), true)
                && phase == Phase.OPEN) {
            moveTo(Phase.CLOSING);
            startTimer(server.config.closeTimeout());
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
    static void dropHandshaking(EventLoop loop) {
        loop.forEachHandler(h -> {
            if (h instanceof WsConnection c && (c.phase == Phase.HANDSHAKE || c.phase == Phase.DECIDING)) {
                c.abort(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down"), CloseCause.SHUTDOWN);
            }
        });
    }

    /** Drops every connection of {@code loop} (the shutdown's last resort). Runs on {@code loop}. */
    static void abortAll(EventLoop loop) {
        loop.forEachHandler(h -> {
            if (h instanceof WsConnection c) {
                c.abort(new CloseStatus(CloseCodes.GOING_AWAY, "server shutting down"), CloseCause.SHUTDOWN);
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
            if (++failures == 1 && (phase == Phase.HANDSHAKE || phase == Phase.DECIDING)) {
                SleetEvents.handshakeRejected(id, remote, 500, "internal server error");
                finishWith(HandshakeResponses.error(new HandshakeException(500, "internal server error")));
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
                startTimer(server.config.closeTimeout());
                flusher.requestFlush();
                return;
            }
        } catch (Throwable again) {
            LOG.log(System.Logger.Level.DEBUG, "connection {0}: polite failure failed: {1}", id, again);
        }
        terminate(currentStatus(new CloseStatus(CloseCodes.INTERNAL_ERROR, "internal error")),
                CloseCause.INTERNAL_ERROR, true);
    }

    private void startTimer(Duration after) {
        cancelTimer();
        timer = server.actors.timers().schedule(after, this::onTimer);
    }

    /** The handshake, decision or close deadline passed (timer thread): the loop decides what it means. */
    private void onTimer() {
        loop.execute(this, () -> {
            switch (phase) {
                // RFC 6455 gives no answer for a client too slow to send its request; the socket is dropped.
                case HANDSHAKE -> abort(new CloseStatus(CloseCodes.ABNORMAL, "handshake timeout"), CloseCause.TIMEOUT);
                case DECIDING -> rejectOnLoop(new HandshakeException(503, "the server did not decide in time"));
                // RFC 6455 §7.1.1: the server closes TCP when the peer does not finish the close in time.
                case CLOSING -> abort(currentStatus(new CloseStatus(CloseCodes.ABNORMAL, "close timeout")),
                        CloseCause.TIMEOUT);
                case OPEN, DONE -> {
                    // a stale timer
                }
            }
        });
    }

    private void cancelTimer() {
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
        abort(new CloseStatus(CloseCodes.ABNORMAL, "write failed: " + e.getMessage()), CloseCause.IO_ERROR);
    }

    private void abort(CloseStatus status, CloseCause cause) {
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
            handshake = null;
            if (inbound != null) {
                inbound.close();
            }
            facade.releaseTransform();
        } finally {
            if (slotHeld) {
                slotHeld = false;
                server.release(this);
            }
            if (wasOpen) {
                server.ended(this);
            }
            ActorRef<ConnectionEvent> a = actor;
            if (a == null || !a.tell(new ConnectionEvent.Ended(reported)).accepted()) {
                server.reportClosedOffLoop(facade, reported); // no actor to do it: a worker completes closeFuture
            }
        }
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

    private void moveTo(Phase next) {
        if (!phase.canMoveTo(next)) {
            throw new IllegalStateException("connection " + id + ": " + phase + " -> " + next);
        }
        phase = next;
    }

    Phase phase() {
        return phase;
    }

    void readInterest(boolean on) {
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

    /** The status {@code onClose} reports, once known. */
    CloseStatus finalStatus() {
        return currentStatus(CloseStatus.ABNORMAL);
    }

    boolean isOpen() {
        return facade.open;
    }

    @Override
    public String toString() {
        InetSocketAddress c = client;
        return "WsConnection[" + id + " " + (c.equals(remote) ? remote : c + " via " + remote) + " " + phase + "]";
    }
}
