package dev.sleet.client.internal;

import dev.sleet.client.ConnectFailedException;
import dev.sleet.client.ConnectTimeoutException;
import dev.sleet.client.ProxyConnectException;
import dev.sleet.client.TlsHandshakeException;
import dev.sleet.client.UpgradeFailedException;
import dev.sleet.client.WebSocketClientException;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.internal.CloseCause;
import dev.sleet.core.internal.ConnectionActor;
import dev.sleet.core.internal.ConnectionEvent;
import dev.sleet.core.internal.EventLoop;
import dev.sleet.core.internal.Extensions;
import dev.sleet.core.internal.PlainWire;
import dev.sleet.core.internal.TlsWire;
import dev.sleet.core.internal.Wire;
import dev.sleet.core.internal.WsConnection;
import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.MaskKeySource;
import dev.sleet.frame.Role;
import dev.sleet.frame.spi.FrameExtension;
import dev.sleet.handshake.ClientHandshake;
import dev.sleet.handshake.ClientHandshakeException;
import dev.sleet.handshake.ClientHandshakeResult;
import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.HttpRequest;
import dev.sleet.handshake.HttpProxyConnect;
import dev.sleet.handshake.HttpRequestParser;
import dev.sleet.handshake.HttpResponseLimits;
import dev.sleet.handshake.HttpResponseParser;
import dev.sleet.handshake.TrustedProxies;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.handshake.internal.ServerRequests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A client's connection: the shared {@link WsConnection} core plus the client's side of the opening handshake —
 * TLS in client mode (hostname verification, SNI), the upgrade request out, the response in and checked
 * ({@link ClientHandshake#validate}) — and the masking of every frame it writes ({@link MaskingWire}). Once the 101
 * is valid, the connection's actor is born with {@link ConnectionEvent.Opened}, runs {@code onOpen} and completes
 * the connect stage.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code tls}, {@code parser}, {@code awaitingBody}, {@code early}, {@code failure}, {@code ioError},
 *       {@code requestSent}</td><td>loop</td><td>loop</td><td>confined</td></tr>
 *   <tr><td>{@code connected}</td><td>the actor (success), a common-pool worker (failure)</td><td>any</td>
 *       <td>CompletableFuture</td></tr>
 * </table>
 */
final class ClientWsConnection extends WsConnection {
    private final ClientCore client;
    private final ClientHandshake handshake;
    private final ConnectionHandler handler;
    private final CompletableFuture<Connection> connected;
    /** Reconnects this connection's URI when it is lost; null without a reconnect policy. */
    private final Reconnector reconnector;

    private TlsWire tls;
    private HttpResponseParser parser;
    /** A refusal's head is in; its body prefix is being read. */
    private boolean awaitingBody;
    /** Frames that came right behind the 101, before the actor opened the connection. */
    private ByteBuffer early;
    private WebSocketClientException failure;
    private Exception ioError;
    private boolean requestSent;
    /** Through an HTTP proxy: the tunnel request, and the parser of its answer while it is awaited. */
    private final HttpProxyConnect proxy;
    private HttpResponseParser proxyAnswer;

    ClientWsConnection(ClientCore client, EventLoop loop, SocketChannel channel, long id, InetSocketAddress remote,
            ClientHandshake handshake, ConnectionHandler handler, CompletableFuture<Connection> connected,
            Reconnector reconnector) throws IOException {
        super(client, loop, channel, id, remote);
        this.client = client;
        this.handshake = handshake;
        this.handler = handler;
        this.connected = connected;
        this.reconnector = reconnector;
        ClientConfig c = client.config();
        HttpProxyConnect p = c.proxyHost() == null ? null : HttpProxyConnect.to(handshake.host(), handshake.port());
        this.proxy = p != null && c.proxyUser() != null ? p.withBasicAuth(c.proxyUser(), c.proxyPassword()) : p;
    }

    @Override
    protected Role role() {
        return Role.CLIENT;
    }

    @Override
    protected boolean deliversWhileClosing() {
        return true;
    }

    @Override
    protected Wire newWire() throws IOException {
        Wire base;
        if (handshake.secure()) {
            tls = tlsWire(newEngine(), true);
            base = tls;
        } else {
            base = new PlainWire(channel);
        }
        return new MaskingWire(base, new MaskKeySource(), handshake.request().remaining());
    }

    private SSLEngine newEngine() throws IOException {
        SSLEngine engine = client.sslContext().createSSLEngine(handshake.host(), handshake.port()); // SNI
        SSLParameters params = engine.getSSLParameters();
        if (client.config().verifyHostname()) {
            params.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 2818 / RFC 6125 name checks
        }
        params.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(params);
        return engine;
    }

    @Override
    protected void beginHandshake() {
        parser = responseParser();
        startTimer(client.config().handshakeTimeout());
        if (proxy != null) {
            openTunnel();
            return;
        }
        startSession();
    }

    /**
     * Sends the proxy's {@code CONNECT} straight to the socket (before TLS) and reads its answer from the socket
     * ({@link #readsRawSocket()}) until the tunnel is up. Loop.
     */
    private void openTunnel() {
        ByteBuffer request = proxy.request();
        try {
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    throw new IOException("the socket did not take the CONNECT request");
                }
            }
        } catch (IOException e) {
            ioError = e;
            abort(new CloseStatus(CloseCodes.ABNORMAL, "proxy: " + e.getMessage()), CloseCause.IO_ERROR);
            return;
        }
        proxyAnswer = responseParser();
    }

    /** A parser for the server's (or the proxy's) response head, capped at {@code maxResponseHeaderBytes}. */
    private HttpResponseParser responseParser() {
        return new HttpResponseParser(HttpResponseLimits.defaults()
                .withMaxHeaderBytes(client.config().maxResponseHeaderBytes()));
    }

    @Override
    protected boolean readsRawSocket() {
        return proxyAnswer != null;
    }

    /** The proxy answered (raw bytes, before TLS): on a 2xx the tunnel is up and the session starts. Loop. */
    private void consumeProxyAnswer(ByteBuffer buf) {
        try {
            if (!proxyAnswer.parse(buf)) {
                return;
            }
            proxyAnswer.readBodyPrefix(buf);
            proxy.check(proxyAnswer.response(), proxyAnswer.bodyPrefix());
        } catch (ClientHandshakeException e) {
            fail(new ProxyConnectException(e));
            return;
        }
        proxyAnswer = null;
        startSession();
        if (buf.hasRemaining() && phase() == Phase.HANDSHAKE) {
            consumeBeforeOpen(buf); // a server that spoke first through the tunnel (plain only: TLS waits for us)
        }
    }

    /** TCP (and the tunnel) are up: TLS for wss, then the upgrade request. Loop. */
    private void startSession() {
        if (tls == null) {
            sendRequest();
            return;
        }
        try {
            tls.startClientHandshake(this::sendRequest);
        } catch (IOException | RuntimeException e) {
            ioError = e;
            abort(new CloseStatus(CloseCodes.ABNORMAL, "TLS handshake failed: " + e.getMessage()),
                    CloseCause.IO_ERROR);
        }
    }

    /** TCP (and TLS) are up: the upgrade request goes out, ahead of anything else. Loop. */
    private void sendRequest() {
        if (requestSent) {
            return;
        }
        requestSent = true;
        if (outbound.offerPinned(handshake.request())) {
            flusher.requestFlush();
        }
    }

    @Override
    protected void consumeBeforeOpen(ByteBuffer buf) {
        if (phase() == Phase.DECIDING) {
            stash(buf); // reading pauses once the actor is told; what this read brought waits for it
            return;
        }
        if (proxyAnswer != null) {
            consumeProxyAnswer(buf);
            return;
        }
        try {
            if (awaitingBody) {
                if (parser.readBodyPrefix(buf)) {
                    validate(buf);
                }
                buf.position(buf.limit());
                return;
            }
            if (!parser.parse(buf)) {
                return;
            }
            if (parser.response().status() != 101) {
                awaitingBody = true;
                if (!parser.readBodyPrefix(buf)) {
                    buf.position(buf.limit());
                    return; // the body's first bytes explain the refusal: wait for them (until EOF or the deadline)
                }
                buf.position(buf.limit());
            }
            validate(buf);
        } catch (ClientHandshakeException e) {
            fail(new UpgradeFailedException(e));
        }
    }

    /** The response head (and a refusal's body prefix) is in: check it, and open or fail. Loop. */
    private void validate(ByteBuffer rest) {
        ClientHandshakeResult result;
        try {
            result = handshake.validate(parser.response(), parser.bodyPrefix());
        } catch (ClientHandshakeException e) {
            fail(new UpgradeFailedException(e));
            return;
        }
        FrameExtension extension;
        try {
            extension = Extensions.of(result.extensions());
        } catch (IllegalStateException e) {
            fail(new UpgradeFailedException(new ClientHandshakeException(
                    ClientHandshakeException.Failure.BAD_EXTENSION_PARAMETERS, e.getMessage())));
            return;
        }
        facade.request(ownRequest());
        stash(rest);
        String subprotocol = result.subprotocol().orElse(null);
        enterDeciding(new ClientConnectionActor(this, client, handler, new ConnectionEvent.Opened(extension, subprotocol),
                connected), client.config().handshakeTimeout());
    }

    private void stash(ByteBuffer buf) {
        if (!buf.hasRemaining()) {
            return;
        }
        ByteBuffer merged = ByteBuffer.allocate((early == null ? 0 : early.remaining()) + buf.remaining());
        if (early != null) {
            merged.put(early);
        }
        early = merged.put(buf).flip();
    }

    /**
     * The request this connection sent, as the {@link UpgradeRequest} {@link Connection#request()} shows (path,
     * query, headers, subprotocols offered; the remote address is the server's).
     */
    private UpgradeRequest ownRequest() {
        try {
            HttpRequestParser p = new HttpRequestParser();
            ByteBuffer bytes = handshake.request();
            if (!p.parse(bytes)) {
                throw new IllegalStateException("the client's own request does not parse");
            }
            HttpRequest req = p.request();
            return ServerRequests.upgrade(ServerRequests.http(req, remote, remote, local,
                    handshake.secure() ? handshake.host() : null, handshake.secure(), TrustedProxies.none()));
        } catch (HandshakeException e) {
            throw new IllegalStateException("the client's own request does not parse", e);
        }
    }

    private void fail(WebSocketClientException e) {
        if (failure == null) {
            failure = e;
        }
        abort(new CloseStatus(CloseCodes.ABNORMAL, e.getMessage()), CloseCause.PROTOCOL_ERROR);
    }

    @Override
    protected ByteBuffer takeEarlyInput() {
        ByteBuffer e = early;
        early = null;
        return e;
    }

    @Override
    protected String transportName() {
        return handshake.secure() ? client.tlsTransport() : "nio";
    }

    @Override
    protected void ioFailed(Exception e) {
        if (ioError == null) {
            ioError = e;
        }
    }

    @Override
    protected void handshakeTimedOut() {
        if (failure == null) {
            failure = new ConnectTimeoutException(ConnectTimeoutException.Stage.HANDSHAKE,
                    client.config().handshakeTimeout());
        }
        super.handshakeTimedOut();
    }

    @Override
    protected void released() {
        client.released(this);
        if (connected.isDone()) {
            if (reconnector != null && !connected.isCompletedExceptionally() && wasLost(closeCause())) {
                CloseStatus status = finalStatus();
                client.completeOffLoop(() -> reconnector.lost(status));
            }
            return;
        }
        WebSocketClientException e = failure != null ? failure : explain();
        client.completeOffLoop(() -> connected.completeExceptionally(e));
    }

    /** Whether an open connection that ended with {@code cause} was lost (reconnect) rather than ended here. */
    private static boolean wasLost(CloseCause cause) {
        return cause != CloseCause.SERVER_CLOSE && cause != CloseCause.SHUTDOWN && cause != CloseCause.HANDLER_CRASH;
    }

    /** Why the connection ended before it opened, when nothing recorded it first. Loop. */
    private WebSocketClientException explain() {
        if (ioError instanceof SSLException ssl) {
            return new TlsHandshakeException("TLS handshake with " + handshake.host() + " failed: " + ssl.getMessage(),
                    ssl);
        }
        if (parser != null && requestSent && ioError == null) {
            try {
                if (parser.isComplete()) {
                    handshake.validate(parser.response(), parser.bodyPrefix()); // a refusal cut short by EOF
                } else {
                    parser.endOfInput(); // closed before the end of the response head
                }
            } catch (ClientHandshakeException e) {
                return new UpgradeFailedException(e);
            }
        }
        return new ConnectFailedException(remote, "the connection ended before it opened", ioError);
    }

    /** The connection's actor: reports the connection open once {@code onOpen} returned. */
    static final class ClientConnectionActor extends ConnectionActor {
        private final CompletableFuture<Connection> connected;

        ClientConnectionActor(ClientWsConnection connection, ClientCore client, ConnectionHandler handler,
                ConnectionEvent first, CompletableFuture<Connection> connected) {
            super(connection, client, handler, first);
            this.connected = connected;
        }

        @Override
        protected void afterOpen() {
            connected.complete(facade);
        }
    }
}
