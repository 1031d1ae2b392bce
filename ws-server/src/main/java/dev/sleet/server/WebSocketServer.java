package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.OverflowPolicy;

import dev.sleet.actor.ActorSystem;
import dev.sleet.handshake.ExtensionProviders;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.OriginPolicy;
import dev.sleet.handshake.TrustedProxies;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.server.internal.Defaults;
import dev.sleet.server.internal.Router;
import dev.sleet.server.internal.ServerConfig;
import dev.sleet.server.internal.ServerCore;
import dev.sleet.server.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * A running WebSocket server: {@code WebSocketServer.builder().port(8080).handler(h).start()}.
 *
 * <p>Each accepted connection gets its own actor that runs the handler's callbacks one at a time; event loops
 * (one per core by default) do all socket I/O and never run handler code. Limits have safe defaults and
 * each has a clear answer: an HTTP status before the upgrade, a close code after it.
 */
public interface WebSocketServer extends AutoCloseable {

    /** A builder with the defaults listed on each of its methods. */
    static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on (the real one when built with port 0). */
    int port();

    /** The port of the TLS listener, or -1 when the server has none. */
    int tlsPort();

    /** The bound address of the first listener. */
    InetSocketAddress address();

    /** The name of the first listener's transport, e.g. {@code nio} or {@code jdk-tls}. */
    String transport();

    /** Every listener: the plain one, the TLS one, or both. */
    List<ListenerInfo> listeners();

    /**
     * Replaces the TLS certificates without a restart: connections accepted from now on get the new ones, open
     * connections keep theirs.
     *
     * @throws dev.sleet.server.spi.TransportException when the new material cannot be loaded (the old stays)
     * @throws IllegalStateException when the server has no TLS listener
     */
    void reloadTls(TlsConfig tls);

    /** A snapshot of the open connections. */
    List<Connection> connections();

    /** Open connections right now. */
    int connectionCount();

    /** Counters since start. */
    ServerMetrics metrics();

    /** The actor system that runs the connection actors (shared with user actors if they like). */
    ActorSystem actorSystem();

    /**
     * Graceful shutdown: stops accepting, sends 1001 (going away) to every connection, waits up to
     * {@code timeout} for their close handshakes, then drops what remains. {@code onClose} runs for every
     * connection. Returns true when every connection closed within the timeout. Idempotent.
     *
     * <p>Safe from any thread. Called from one the shutdown itself needs — a handler, an HTTP handler, a timer
     * task, an event loop — it cannot wait for itself: it starts the shutdown and returns {@code false} at once;
     * {@link #shutdownAsync(Duration)} tells how it ended.
     */
    boolean shutdown(Duration timeout);

    /**
     * Starts the graceful shutdown of {@link #shutdown(Duration)} on a thread of its own and returns at once.
     * Idempotent: every call returns a stage of the same outcome.
     *
     * @param timeout how long to wait for close handshakes before dropping connections; zero or positive
     * @return completes, when the server has stopped (its threads too), with true when every connection closed
     *         within the timeout
     */
    java.util.concurrent.CompletionStage<Boolean> shutdownAsync(Duration timeout);

    /** {@link #shutdown(Duration)} with a 5-second timeout. */
    @Override
    void close();

    /** Blocks until the server has stopped. */
    void awaitTermination() throws InterruptedException;

    /**
     * Collects settings and starts a server. Not thread-safe; a builder may start several servers.
     *
     * <p>Every value is checked: a setter refuses a value outside its own range at once, and {@link #start()}
     * refuses combinations that cannot work (a frame limit above the message limit, the same port twice, ...),
     * before anything is bound. A refused value throws {@link IllegalArgumentException} (or
     * {@link IllegalStateException} for a missing or conflicting setting) whose message names the option and the
     * allowed range; a null argument throws {@link NullPointerException} naming the option. Every limit and
     * timeout, its default and what a peer sees when it trips are listed in {@code docs/limits.md}.
     */
    final class Builder {
        private String host = Defaults.HOST;
        private int port = Defaults.PORT;
        private int tlsPort = Defaults.TLS_PORT;
        private WebSocketHandler handler;
        private HttpHandler httpHandler;
        private final List<Route> routes = new ArrayList<>();
        private String transport;
        private TlsConfig tls;
        private final List<String> subprotocols = new ArrayList<>();
        private final List<String> allowedOrigins = new ArrayList<>();
        private final List<ExtensionProvider> extensions = new ArrayList<>();
        private long maxMessageSize = Defaults.MAX_MESSAGE_SIZE;
        /** -1: unset, the message limit. */
        private long maxFrameSize = -1;
        /** -1: unset, derived from the descriptor limit at start. */
        private int maxConnections = -1;
        private int maxConnectionsPerAddress = Defaults.MAX_CONNECTIONS_PER_ADDRESS;
        private int maxRequestsPerConnection = Defaults.MAX_REQUESTS_PER_CONNECTION;
        private Duration httpKeepAliveTimeout = Defaults.HTTP_KEEP_ALIVE_TIMEOUT;
        private HttpLimits httpLimits = HttpLimits.defaults();
        private Duration handshakeTimeout = Defaults.HANDSHAKE_TIMEOUT;
        /** Null: unset, the handshake timeout. */
        private Duration connectDecisionTimeout;
        private Duration idleTimeout = Defaults.IDLE_TIMEOUT;
        private Duration pingInterval = Defaults.PING_INTERVAL;
        private Duration pongTimeout = Defaults.PONG_TIMEOUT;
        private Duration closeTimeout = Defaults.CLOSE_TIMEOUT;
        private Duration acceptBackoff = Defaults.ACCEPT_BACKOFF;
        private long maxQueuedBytes = Defaults.MAX_QUEUED_BYTES;
        private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
        /** -1: unset, half of maxQueuedBytes. */
        private long writeHighWater = -1;
        /** -1: unset, half of writeHighWater. */
        private long writeLowWater = -1;
        private int eventLoops = Defaults.threads();
        private int workers = Defaults.threads();
        private boolean workersSet;
        private ActorSystem actorSystem;
        private boolean blockingHandlers;
        private int nodeId = Defaults.NODE_ID;
        private boolean proxyProtocol;
        private TrustedProxies trustedProxies = TrustedProxies.none();

        Builder() {
        }

        /**
         * Interface to bind: a host name or an IP literal; default {@code 0.0.0.0} (all). A name that does not
         * resolve fails {@link #start()}.
         *
         * @throws IllegalArgumentException when blank or containing whitespace
         */
        public Builder host(String host) {
            notNull(host, "host");
            if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("host must be a host name or an IP address, was \"" + host + "\"");
            }
            this.host = host;
            return this;
        }

        /**
         * Port to bind, 0 to 65535; default 8080; 0 picks a free port ({@link WebSocketServer#port()} tells which).
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder port(int port) {
            this.port = (int) range("port", port, 0, Defaults.MAX_PORT, "");
            return this;
        }

        /**
         * Serves TLS on this second port (0 to 65535, 0 picks a free one) as well as plain TCP on
         * {@link #port(int)} (both listeners share the loops, handler and limits). Without it, a server configured
         * with TLS serves TLS only, on {@link #port(int)}. Needs {@link #tls(TlsConfig)}, and must differ from
         * {@link #port(int)} unless both are 0; {@link #start()} checks both.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder tlsPort(int tlsPort) {
            this.tlsPort = (int) range("tlsPort", tlsPort, 0, Defaults.MAX_PORT, "");
            return this;
        }

        /**
         * The catch-all WebSocket handler: it serves every upgrade when there are no routes, and the upgrades no
         * route matches when there are. Required unless routes are given; with routes and no catch-all, an unknown
         * path gets 404.
         */
        public Builder handler(WebSocketHandler handler) {
            this.handler = notNull(handler, "handler");
            return this;
        }

        /**
         * Serves upgrades on {@code path}: an exact path ({@code /chat}) or a template ({@code /rooms/{room}},
         * each {@code {name}} one path segment, read with {@code request.pathParam("room")}). Precedence: exact paths
         * before templates, then registration order. A duplicate path, or a template of the same shape as an
         * earlier one, is refused here with {@link IllegalArgumentException}. See {@link Route}.
         */
        public Builder route(String path, WebSocketHandler handler) {
            return route(Route.of(notNull(path, "path"), notNull(handler, "handler")));
        }

        /** Serves plain HTTP requests on {@code path} (an upgrade there gets 404); see {@link #route(Route)}. */
        public Builder route(String path, HttpHandler httpHandler) {
            return route(Route.of(notNull(path, "path"), notNull(httpHandler, "httpHandler")));
        }

        /**
         * Adds {@code route}: its WebSocket handler serves upgrades on its path, its HTTP handler plain requests.
         *
         * @throws IllegalArgumentException for a malformed path, a duplicate or an ambiguous route
         */
        public Builder route(Route route) {
            notNull(route, "route");
            List<Route> next = new ArrayList<>(routes);
            next.add(route);
            Router.of(next); // refuses a bad route at once, naming it
            routes.add(route);
            return this;
        }

        /**
         * Answers requests that are not upgrades and that no route serves; without one they get 426 (404 for a path
         * no route matches, when routes are used).
         */
        public Builder httpHandler(HttpHandler httpHandler) {
            this.httpHandler = notNull(httpHandler, "httpHandler");
            return this;
        }

        /**
         * Selects a transport provider by name ({@code nio}, {@code jdk-tls}, or one from another module such as
         * {@code conscrypt}). Default: the available provider with the highest priority that fits (a secure one
         * when TLS is configured). An unknown name fails {@link #start()} with the list of names found.
         *
         * @throws IllegalArgumentException when blank
         */
        public Builder transport(String name) {
            notNull(name, "transport");
            if (name.isBlank()) {
                throw new IllegalArgumentException("transport must be a provider name such as nio or jdk-tls, was \""
                        + name + "\"");
            }
            this.transport = name;
            return this;
        }

        /** Serves wss:// with a PEM certificate chain and private key. */
        public Builder tls(Path certificateChainPem, Path privateKeyPem) {
            notNull(certificateChainPem, "tls certificate chain");
            notNull(privateKeyPem, "tls private key");
            return tls(TlsConfig.pem(certificateChainPem, privateKeyPem));
        }

        /** Serves wss:// with these TLS settings. */
        public Builder tls(TlsConfig tls) {
            this.tls = notNull(tls, "tls");
            return this;
        }

        /**
         * Subprotocols the server speaks, most preferred first; the first the client also offers is chosen. Each
         * must be an RFC 6455 §4.1 token (letters, digits and {@code !#$%&'*+-.^_`|~}, no separators or spaces),
         * listed once. Default: none.
         *
         * @throws IllegalArgumentException for a name that is not a token, or one listed twice
         */
        public Builder subprotocols(String... names) {
            notNull(names, "subprotocols");
            List<String> checked = new ArrayList<>(names.length);
            for (int i = 0; i < names.length; i++) {
                String name = notNull(names[i], "subprotocols[" + i + "]");
                if (!isToken(name)) {
                    throw new IllegalArgumentException("subprotocols: \"" + name + "\" is not a token (RFC 6455 §4.1: "
                            + "one or more of the letters, digits and !#$%&'*+-.^_`|~)");
                }
                if (checked.contains(name)) {
                    throw new IllegalArgumentException("subprotocols: \"" + name + "\" is listed twice");
                }
                checked.add(name);
            }
            subprotocols.clear();
            subprotocols.addAll(checked);
            return this;
        }

        /**
         * Origins allowed to connect (exact {@code https://app.example.com}, {@code https://*.example.com}, or
         * {@code null} for opaque origins); others get 403. Default: every origin.
         *
         * @throws IllegalArgumentException for a value that is not {@code scheme://host[:port]},
         *                                  {@code scheme://*.domain[:port]} or {@code null}
         */
        public Builder allowedOrigins(String... origins) {
            notNull(origins, "allowedOrigins");
            for (int i = 0; i < origins.length; i++) {
                notNull(origins[i], "allowedOrigins[" + i + "]");
            }
            List<String> checked = List.of(origins);
            try {
                OriginPolicy.allowOnly(checked);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowedOrigins: " + e.getMessage(), e);
            }
            allowedOrigins.clear();
            allowedOrigins.addAll(checked);
            return this;
        }

        /**
         * Enables a WebSocket extension found through {@code ServiceLoader}, e.g. {@code permessage-deflate} (module
         * {@code ws-deflate}). Each extension may be enabled once.
         *
         * @throws IllegalArgumentException when no available provider has that name; the message lists those found
         */
        public Builder extension(String name) {
            notNull(name, "extension");
            try {
                extensions.add(ExtensionProviders.named(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("extension: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Enables a WebSocket extension given as a provider object, e.g. {@code new PerMessageDeflate(config)} to
         * choose its settings. Its agreements must also be the codec's {@code dev.sleet.frame.spi.FrameExtension}.
         * Each extension (by name) may be enabled once; {@link #start()} checks that and that it is available.
         */
        public Builder extension(ExtensionProvider provider) {
            extensions.add(notNull(provider, "extension"));
            return this;
        }

        /**
         * Largest message accepted, in bytes of message data (after decompression), 1 to 2,147,483,639 (what
         * {@link dev.sleet.frame.MessageAssembler} can buffer); a larger one closes the connection with 1009 as
         * soon as a frame header announces the excess. Default 16 MiB.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = range("maxMessageSize", bytes, 1, Defaults.MAX_MESSAGE_SIZE_LIMIT, " bytes");
            return this;
        }

        /**
         * Largest single frame accepted, in bytes on the wire, 1 to {@link #maxMessageSize(long)}; a larger one
         * closes the connection with 1009 from its header. Default: the message limit.
         *
         * @throws IllegalArgumentException when out of range; above the message limit, from {@link #start()}
         */
        public Builder maxFrameSize(long bytes) {
            this.maxFrameSize = range("maxFrameSize", bytes, 1, Defaults.MAX_MESSAGE_SIZE_LIMIT, " bytes");
            return this;
        }

        /**
         * Sockets open at once, counted from accept, those still in their handshake included; 1 to 2^31−1. Over
         * it, a newly accepted socket is closed at once (the peer sees the TCP connection close before any HTTP
         * response, or a 503 where the server can answer without reading the request). Default: the process's
         * descriptor limit minus 64 (read through {@code com.sun.management.UnixOperatingSystemMXBean}), or
         * 10,000 where that limit cannot be read.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxConnections(int count) {
            this.maxConnections = (int) range("maxConnections", count, 1, Integer.MAX_VALUE, "");
            return this;
        }

        /**
         * Sockets open at once from one remote IP address, counted like {@link #maxConnections(int)}; 0 (the
         * default) turns the limit off. Over it, a newly accepted socket from that address is closed at once, as
         * for {@code maxConnections}. With an explicit {@code maxConnections}, must not exceed it.
         *
         * @throws IllegalArgumentException when negative; above an explicit {@code maxConnections}, from
         *                                  {@link #start()}
         */
        public Builder maxConnectionsPerAddress(int count) {
            this.maxConnectionsPerAddress = (int) range("maxConnectionsPerAddress", count, 0, Integer.MAX_VALUE,
                    " (0 = off)");
            return this;
        }

        /**
         * Request line and header limits: request line 16 B to 1 MiB (longer → 414), header fields 1 to 10,000 and
         * header bytes 64 B to 1 MiB (more → 431). Default 8 KiB, 100 fields, 8 KiB.
         *
         * @throws IllegalArgumentException when a limit is above its range ({@link HttpLimits} itself refuses
         *                                  values below)
         */
        public Builder httpLimits(HttpLimits limits) {
            notNull(limits, "httpLimits");
            range("httpLimits.maxRequestLineLength", limits.maxRequestLineLength(), 16,
                    Defaults.MAX_REQUEST_LINE_LENGTH_LIMIT, " bytes");
            range("httpLimits.maxHeaderCount", limits.maxHeaderCount(), 1, Defaults.MAX_HEADER_COUNT_LIMIT, "");
            range("httpLimits.maxHeaderBytes", limits.maxHeaderBytes(), 64, Defaults.MAX_HEADER_BYTES_LIMIT, " bytes");
            this.httpLimits = limits;
            return this;
        }

        /**
         * Time allowed from accept to a complete upgrade request (more than 0, at most 1 day); then the socket is
         * dropped without an answer. Default 10 s.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout", Defaults.MAX_DURATION);
            return this;
        }

        /**
         * Time {@link WebSocketHandler#onConnect} (or the {@link HttpHandler} for a plain request) may take to
         * decide, from the complete request (more than 0, at most 1 day); then the peer gets 503 Service
         * Unavailable and the late decision is ignored. Default: the {@link #handshakeTimeout(Duration) handshake
         * timeout}.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder connectDecisionTimeout(Duration timeout) {
            this.connectDecisionTimeout = positive(timeout, "connectDecisionTimeout", Defaults.MAX_DURATION);
            return this;
        }

        /**
         * Closes (1001) a connection that received nothing for this long, 0 to 1 day. Default: off
         * ({@link Duration#ZERO}).
         *
         * @throws IllegalArgumentException when negative or above 1 day
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = zeroOrPositive(timeout, "idleTimeout");
            return this;
        }

        /**
         * Pings a connection that received nothing for this long (RFC 6455 §5.5.2), 0 to 1 day. Default 30 s;
         * {@link Duration#ZERO} turns the heartbeat off.
         *
         * @throws IllegalArgumentException when negative or above 1 day
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = zeroOrPositive(interval, "pingInterval");
            return this;
        }

        /**
         * Time a ping's matching pong may take (more than 0, at most 1 day) before the connection is closed with
         * 1001 (going away). Default 10 s.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = positive(timeout, "pongTimeout", Defaults.MAX_DURATION);
            return this;
        }

        /**
         * Plain HTTP requests (those an {@link HttpHandler} answers) served on one connection with HTTP/1.1
         * keep-alive, 1 to 1,000,000; default 100. After the last one the response says {@code Connection: close}
         * and TCP closes; 1 turns keep-alive off. An upgrade may follow kept-alive requests on the same connection.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxRequestsPerConnection(int count) {
            this.maxRequestsPerConnection = (int) range("maxRequestsPerConnection", count, 1,
                    Defaults.MAX_MAX_REQUESTS_PER_CONNECTION, " (1 = no keep-alive)");
            return this;
        }

        /**
         * After a plain HTTP response on a kept-alive connection, how long the next request may take to arrive
         * complete (more than 0, at most 1 day); then TCP is closed without an answer. Default 5 s.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder httpKeepAliveTimeout(Duration timeout) {
            this.httpKeepAliveTimeout = positive(timeout, "httpKeepAliveTimeout", Defaults.MAX_DURATION);
            return this;
        }

        /**
         * Time to wait for the peer's close frame after sending ours (more than 0, at most 1 day), then TCP is
         * closed. Default 5 s.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout", Defaults.MAX_DURATION);
            return this;
        }

        /**
         * How long accepting pauses when accept fails for lack of file descriptors (EMFILE/ENFILE), 1 ms to 1 min,
         * instead of retrying at once; meanwhile new connections wait in the listen backlog. Default 1 s (as
         * Netty).
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder acceptBackoff(Duration backoff) {
            notNull(backoff, "acceptBackoff");
            if (backoff.compareTo(Defaults.MIN_ACCEPT_BACKOFF) < 0 || backoff.compareTo(Defaults.MAX_ACCEPT_BACKOFF) > 0) {
                throw new IllegalArgumentException("acceptBackoff must be in [" + human(Defaults.MIN_ACCEPT_BACKOFF)
                        + ", " + human(Defaults.MAX_ACCEPT_BACKOFF) + "], was " + human(backoff));
            }
            this.acceptBackoff = backoff;
            return this;
        }

        /**
         * Outbound bytes a connection may have queued before its overflow policy applies, at least 1. Default 4 MiB.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = range("maxQueuedBytes", bytes, 1, Long.MAX_VALUE, " bytes");
            return this;
        }

        /** What to do with a slow consumer. Default {@link OverflowPolicy#CLOSE} (1008). */
        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = notNull(policy, "overflowPolicy");
            return this;
        }

        /**
         * Outbound bytes queued (counted as for {@link #maxQueuedBytes(long)}) at which a connection stops being
         * {@linkplain Connection#isWritable() writable}, 1 to {@code maxQueuedBytes}. Default: half of
         * {@code maxQueuedBytes} (at least 1).
         *
         * @throws IllegalArgumentException when below 1; above {@code maxQueuedBytes}, from {@link #start()}
         */
        public Builder writeHighWater(long bytes) {
            this.writeHighWater = range("writeHighWater", bytes, 1, Long.MAX_VALUE, " bytes");
            return this;
        }

        /**
         * Outbound bytes queued below which a connection that reached {@link #writeHighWater(long)} is writable again
         * and its handler's {@link WebSocketHandler#onWritable} runs; 0 to below {@code writeHighWater}. Default:
         * half of {@code writeHighWater}.
         *
         * @throws IllegalArgumentException when below 0; at or above {@code writeHighWater}, from {@link #start()}
         */
        public Builder writeLowWater(long bytes) {
            this.writeLowWater = range("writeLowWater", bytes, 0, Long.MAX_VALUE, " bytes");
            return this;
        }

        /**
         * Number of event loops (I/O threads), 1 to 1024. Default: available processors.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder eventLoops(int count) {
            this.eventLoops = (int) range("eventLoops", count, 1, Defaults.MAX_THREADS, "");
            return this;
        }

        /**
         * Actor worker threads, 1 to 1024, when the server creates its own actor system (not with
         * {@link #actorSystem(ActorSystem)}: {@link #start()} refuses both). Default: available processors.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder workers(int count) {
            this.workers = (int) range("workers", count, 1, Defaults.MAX_THREADS, "");
            this.workersSet = true;
            return this;
        }

        /**
         * Runs connection actors on an existing, running system (the server will not shut it down). Its own
         * worker count applies: do not also set {@link #workers(int)}.
         */
        public Builder actorSystem(ActorSystem system) {
            this.actorSystem = notNull(system, "actorSystem");
            return this;
        }

        /**
         * Handlers may block (database calls, file I/O): each connection's actor then runs on virtual threads so a
         * blocked handler holds no worker. Default false.
         */
        public Builder blockingHandlers(boolean blocking) {
            this.blockingHandlers = blocking;
            return this;
        }

        /**
         * A number (0 to 65535) that makes connection ids unique across the nodes of a cluster. Default 0.
         *
         * @throws IllegalArgumentException when out of range
         */
        public Builder nodeId(int nodeId) {
            this.nodeId = (int) range("nodeId", nodeId, 0, Defaults.MAX_NODE_ID, "");
            return this;
        }

        /**
         * Expects a PROXY protocol header (HAProxy's, version 1 text or version 2 binary, told apart by their first
         * byte) at the start of every connection, on every listener of this server; default off. With TLS the header
         * comes before the TLS handshake, as a TCP load balancer sends it, and is read from the raw socket.
         *
         * <p>The header names the real client: {@link Connection#remoteAddress()} and
         * {@link dev.sleet.handshake.HttpServerRequest#remoteAddress()} return it, and
         * {@link dev.sleet.handshake.HttpServerRequest#peerAddress()} the proxy. A {@code LOCAL} command (the proxy's
         * health check), {@code UNKNOWN} or an address family without addresses keeps the socket's own address. A
         * missing, malformed or too long header (v1 over 107 bytes, v2 over 4 KiB) closes the connection without an
         * answer; the header must arrive within {@link #handshakeTimeout(Duration)}. Only turn this on when every
         * peer that can reach the port is a proxy that sends the header: otherwise anyone can claim any address.
         * {@link #maxConnectionsPerAddress(int)} is checked on the proxy's address at accept, then the count moves
         * to the client the header names: a client over the limit gets 503 on a plain listener, a closed socket on a
         * TLS one.
         */
        public Builder proxyProtocol(boolean enabled) {
            this.proxyProtocol = enabled;
            return this;
        }

        /**
         * The proxies whose {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For}/{@code X-Forwarded-Proto}
         * headers are believed: IPv4 or IPv6 addresses ({@code 127.0.0.1}, {@code ::1}) or CIDR ranges
         * ({@code 10.0.0.0/8}, {@code fd00::/8}); default none, and the headers are never read. Each call replaces
         * the set. When the request comes from a trusted address, the server walks the forwarded addresses from the
         * right and takes the first one that is not trusted as
         * {@link dev.sleet.handshake.HttpServerRequest#remoteAddress()} (and {@link Connection#remoteAddress()}), and
         * that hop's {@code proto} as
         * {@link dev.sleet.handshake.HttpServerRequest#secure()}; see {@link TrustedProxies#resolve}. With
         * {@link #proxyProtocol(boolean)} the walk starts from the address the PROXY header named.
         *
         * @throws IllegalArgumentException for a host name, a malformed address or a prefix out of range
         */
        public Builder trustedProxies(String... ranges) {
            notNull(ranges, "trustedProxies");
            this.trustedProxies = TrustedProxies.of(ranges);
            return this;
        }

        /**
         * Checks the settings together, binds and starts serving.
         *
         * @throws IllegalStateException    when no handler is set, {@code tlsPort} is set without TLS settings, the
         *                                  named transport is a TLS one without TLS settings (or a plain one for a
         *                                  TLS-only server), {@code workers} is set with an {@code actorSystem}, the
         *                                  actor system is not running, or an extension is not available
         * @throws IllegalArgumentException when {@code maxFrameSize} exceeds {@code maxMessageSize}, {@code tlsPort}
         *                                  equals {@code port}, {@code maxConnectionsPerAddress} exceeds an explicit
         *                                  {@code maxConnections}, an extension is enabled twice, or {@code host}
         *                                  does not resolve
         * @throws IOException              when a port cannot be bound
         * @throws dev.sleet.server.spi.TransportException when no transport has the chosen name, or the TLS
         *                                  material cannot be loaded
         */
        public WebSocketServer start() throws IOException {
            return ServerCore.start(config());
        }

        /** The validated configuration {@link #start()} would use, defaults resolved. */
        ServerConfig config() {
            if (handler == null && routes.isEmpty()) {
                throw new IllegalStateException("a handler or a route is required: builder().handler(...) or"
                        + " .route(path, handler)");
            }
            if (tlsPort >= 0 && tls == null) {
                throw new IllegalStateException("tlsPort needs TLS settings: builder.tls(...)");
            }
            if (tlsPort > 0 && tlsPort == port) {
                throw new IllegalArgumentException("tlsPort must differ from port (0 picks a free one for each), both "
                        + port);
            }
            long frameLimit = maxFrameSize < 0 ? maxMessageSize : maxFrameSize;
            if (frameLimit > maxMessageSize) {
                throw new IllegalArgumentException("maxFrameSize must be in [1, maxMessageSize = " + maxMessageSize
                        + "] bytes, was " + maxFrameSize);
            }
            long highWater = writeHighWater < 0 ? Math.max(1, maxQueuedBytes / 2) : writeHighWater;
            if (highWater > maxQueuedBytes) {
                throw new IllegalArgumentException("writeHighWater must be in [1, maxQueuedBytes = " + maxQueuedBytes
                        + "] bytes, was " + writeHighWater);
            }
            long lowWater = writeLowWater < 0 ? highWater / 2 : writeLowWater;
            if (lowWater >= highWater) {
                throw new IllegalArgumentException("writeLowWater must be in [0, writeHighWater = " + highWater
                        + ") bytes, was " + writeLowWater);
            }
            if (maxConnections > 0 && maxConnectionsPerAddress > maxConnections) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must be in [0, maxConnections = "
                        + maxConnections + "] (0 = off), was " + maxConnectionsPerAddress);
            }
            if (transport != null) {
                TransportProvider named = transportNamed(transport);
                // an unknown name is left to the core, whose TransportException lists the names found
                if (named != null && named.secure() && tls == null) {
                    throw new IllegalStateException("transport '" + transport + "' is a TLS transport: configure "
                            + "tls(...) as well, or name a plain transport");
                }
                if (named != null && !named.secure() && tls != null && tlsPort < 0) {
                    throw new IllegalStateException("transport '" + transport + "' is a plain transport but the "
                            + "server serves TLS only: name a TLS transport, or add tlsPort(...) for a plain listener");
                }
            }
            if (actorSystem != null && workersSet) {
                throw new IllegalStateException("workers has no effect with actorSystem(...): the system's own "
                        + "workers run the connections; set one or the other");
            }
            if (actorSystem != null && !actorSystem.isRunning()) {
                throw new IllegalStateException("actorSystem must be running; it was shut down");
            }
            List<String> extensionNames = new ArrayList<>();
            for (ExtensionProvider p : extensions) {
                String name = p.name();
                if (name == null || !isToken(name)) {
                    throw new IllegalArgumentException("extension: provider " + p.getClass().getName()
                            + " has a name that is not a token: \"" + name + "\"");
                }
                if (extensionNames.stream().anyMatch(name::equalsIgnoreCase)) {
                    throw new IllegalArgumentException("extension: " + name + " is enabled twice");
                }
                if (!p.isAvailable()) {
                    throw new IllegalStateException("extension: " + name + " is installed but not available");
                }
                extensionNames.add(name);
            }
            if (new InetSocketAddress(host, 0).isUnresolved()) {
                throw new IllegalArgumentException("host must be a host name that resolves or an IP address, was \""
                        + host + "\"");
            }
            return new ServerConfig(host, port, tlsPort, handler, httpHandler, transport, tls,
                    List.copyOf(subprotocols), List.copyOf(allowedOrigins), List.copyOf(extensions),
                    maxMessageSize, frameLimit, maxConnections > 0 ? maxConnections : Defaults.maxConnections(),
                    httpLimits, handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout,
                    maxQueuedBytes, overflowPolicy, eventLoops, workers, actorSystem, blockingHandlers, nodeId,
                    connectDecisionTimeout != null ? connectDecisionTimeout : handshakeTimeout,
                    maxConnectionsPerAddress, acceptBackoff, proxyProtocol, trustedProxies, Router.of(routes),
                    maxRequestsPerConnection, httpKeepAliveTimeout, highWater, lowWater);
        }

        /** The installed transport provider with this name, or null. */
        private static TransportProvider transportNamed(String name) {
            Iterator<TransportProvider> it = ServiceLoader.load(TransportProvider.class,
                    WebSocketServer.class.getClassLoader()).iterator();
            for (int guard = 0; guard < 10_000; guard++) {
                try {
                    if (!it.hasNext()) {
                        return null;
                    }
                    TransportProvider p = it.next();
                    if (p.name().equals(name)) {
                        return p;
                    }
                } catch (ServiceConfigurationError e) {
                    // a provider that fails to load: the core logs and skips it
                }
            }
            return null;
        }

        private static <T> T notNull(T value, String option) {
            if (value == null) {
                throw new NullPointerException(option + " must not be null");
            }
            return value;
        }

        private static long range(String option, long value, long min, long max, String unit) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(option + " must be in [" + min + ", " + max + "]" + unit
                        + ", was " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String option, Duration max) {
            notNull(value, option);
            if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(option + " must be more than 0 and at most " + human(max)
                        + ", was " + human(value));
            }
            return value;
        }

        private static Duration zeroOrPositive(Duration value, String option) {
            notNull(value, option);
            if (value.isNegative() || value.compareTo(Defaults.MAX_DURATION) > 0) {
                throw new IllegalArgumentException(option + " must be in [0 (off), " + human(Defaults.MAX_DURATION)
                        + "], was " + human(value));
            }
            return value;
        }

        /** {@code 1 d}, {@code 10 s}, {@code 300 ms}, or the ISO form for anything finer or odd. */
        private static String human(Duration d) {
            if (d.isNegative() || d.getNano() % 1_000_000 != 0 || d.getSeconds() > 1L << 40) {
                return d.toString(); // the ISO form: exact, and never overflows
            }
            long ms = d.toMillis();
            if (ms != 0 && ms % 86_400_000 == 0) {
                return ms / 86_400_000 + " d";
            }
            if (ms != 0 && ms % 60_000 == 0) {
                return ms / 60_000 + " min";
            }
            return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        }

        /** An RFC 6455 §4.1 / RFC 9110 §5.6.2 token: one or more tchar. */
        private static boolean isToken(String s) {
            if (s.isEmpty()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
                if (!tchar) {
                    return false;
                }
            }
            return true;
        }
    }
}
