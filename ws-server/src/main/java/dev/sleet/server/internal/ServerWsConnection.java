package dev.sleet.server.internal;

import dev.sleet.core.internal.CloseCause;
import dev.sleet.core.internal.ConnectionEvent;
import dev.sleet.core.internal.EventLoop;
import dev.sleet.core.internal.PlainWire;
import dev.sleet.core.internal.TlsWire;
import dev.sleet.core.internal.Wire;
import dev.sleet.core.internal.WsConnection;
import dev.sleet.core.internal.jfr.SleetEvents;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
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
import dev.sleet.server.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A server's connection: the shared {@link WsConnection} core plus what happens before the upgrade on a server —
 * the PROXY protocol header, the request ({@link HandshakeStage}), routing, the decision in a
 * {@link ServerConnectionActor}, HTTP error answers, plain HTTP requests with keep-alive — and the connection slot
 * taken at accept.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code proxyHeader}, {@code handshake}, {@code slotHeld}, {@code slotAddress}, {@code requestsServed},
 *       {@code keepAlive}</td><td>loop</td><td>loop</td><td>confined</td></tr>
 *   <tr><td>{@code client}</td><td>loop (after a PROXY header, after the request)</td><td>any</td>
 *       <td>volatile</td></tr>
 * </table>
 * With {@code proxyProtocol(true)}, HANDSHAKE begins by reading the PROXY header from the socket itself (before
 * TLS); a bad or missing header aborts the connection, what follows the header goes on to the request parser (or
 * back into the TLS wire).
 */
final class ServerWsConnection extends WsConnection {
    private static final System.Logger LOG = System.getLogger(ServerWsConnection.class.getName());

    private final ServerCore server;
    private final Transport transport;
    /** The client: {@code remote} until a PROXY header or a trusted proxy's forwarding header names another. */
    private volatile InetSocketAddress client;
    /** Where this connection's per-address count is kept: {@code remote}, or the client a PROXY header named. */
    private InetSocketAddress slotAddress;
    /** Non-null while the PROXY protocol header is being read (before the request, before TLS). */
    private ProxyProtocolParser proxyHeader;
    private HandshakeStage handshake;
    /** Plain HTTP requests answered on this connection with keep-alive; whether the current one may be. */
    private int requestsServed;
    private boolean keepAlive;
    /** This connection holds one of the server's connection slots (taken at accept, given back at the end). */
    private boolean slotHeld;

    ServerWsConnection(ServerCore server, EventLoop loop, SocketChannel channel, Transport transport, long id,
            InetSocketAddress remote) throws IOException {
        super(server, loop, channel, id, remote);
        this.server = server;
        this.transport = transport;
        this.client = remote;
        this.slotAddress = remote;
        this.slotHeld = true;
    }

    /** The client, as far as the PROXY header and trusted proxies tell; the socket's peer otherwise. */
    @Override
    public InetSocketAddress client() {
        return client;
    }

    /** Where the per-address count of this connection is kept (loop). */
    InetSocketAddress slotAddress() {
        return slotAddress;
    }

    @Override
    protected Wire newWire() throws IOException {
        return transport.secure() ? tlsWire(transport.newEngine(remote), false) : new PlainWire(channel);
    }

    @Override
    protected void beginHandshake() {
        handshake = new HandshakeStage(server.config.httpLimits());
        if (server.config.proxyProtocol()) {
            proxyHeader = new ProxyProtocolParser();
        }
        startTimer(server.config.handshakeTimeout()); // covers the PROXY header too
    }

    @Override
    protected boolean readsRawSocket() {
        return proxyHeader != null; // a PROXY header precedes TLS: it is read from the socket itself
    }

    @Override
    protected void consumeBeforeOpen(ByteBuffer buf) {
        if (phase() == Phase.DECIDING) {
            stashEarly(buf);
        } else if (proxyHeader != null) {
            consumeProxyHeader(buf);
        } else {
            consumeRequest(buf);
        }
    }

    @Override
    protected ByteBuffer takeEarlyInput() {
        HandshakeStage h = handshake;
        handshake = null;
        return h == null ? null : h.takeEarly();
    }

    @Override
    protected String transportName() {
        return transport.name();
    }

    @Override
    protected boolean failedBeforeOpen() {
        SleetEvents.handshakeRejected(id(), remote, 500, "internal server error");
        finishWith(HandshakeResponses.error(new HandshakeException(500, "internal server error")));
        return true;
    }

    @Override
    protected void decisionTimedOut() {
        rejectOnLoop(new HandshakeException(503, "the server did not decide in time"));
    }

    @Override
    protected void released() {
        if (slotHeld) {
            slotHeld = false;
            server.release(this);
        }
    }

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
            LOG.log(System.Logger.Level.DEBUG, "connection {0} from {1}: {2}", id(), remote, e.getMessage());
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
            readAgainLater();
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
            if (phase() == Phase.DECIDING && buf.hasRemaining()) {
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
            decide(null, new ServerConnectionActor.PlainRequest(view, plainHandler, keepAlive));
            return;
        }
        if (wsHandler == null) {
            throw new HandshakeException(404, "no WebSocket endpoint at this path");
        }
        UpgradeRequest upgrade = ServerRequests.upgrade(view);
        facade.request(upgrade);
        HandshakeResult result = server.negotiator.negotiate(req);
        if (server.isStopping()) {
            throw new HandshakeException(503, "server is shutting down");
        }
        decide(wsHandler, new ServerConnectionActor.Upgrade(upgrade, result));
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
    private void decide(WebSocketHandler handler, ConnectionEvent.Other request) {
        enterDeciding(new ServerConnectionActor(this, server, handler, request), server.decisionTimeout());
    }

    /** Answers the request with an HTTP error and closes once it is written. Loop only. */
    private void rejectOnLoop(HandshakeException e) {
        server.metrics.rejectedHandshakes.increment();
        SleetEvents.handshakeRejected(id(), remote, e.status(), e.reason());
        finishWith(HandshakeResponses.error(e));
    }


    /** The handler rejected (or failed): answer with an HTTP error. Runs in the actor. */
    void rejectUpgrade(int status, String reason, HttpHeaders headers) {
        loop.execute(this, () -> {
            if (phase() == Phase.DECIDING) {
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
            if (phase() == Phase.DECIDING) {
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
            consumeBeforeOpen(early); // a pipelined request may be complete already: then reading stays paused
        }
        if (phase() == Phase.HANDSHAKE) {
            readInterest(true);
        }
    }
}
