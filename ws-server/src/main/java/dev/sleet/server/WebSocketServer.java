package dev.sleet.server;

import dev.sleet.actor.ActorSystem;
import dev.sleet.handshake.ExtensionProviders;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.server.internal.ServerConfig;
import dev.sleet.server.internal.ServerCore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A running WebSocket server (SERVE-01): {@code WebSocketServer.builder().port(8080).handler(h).start()}.
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

    /** Collects settings and starts a server. Not thread-safe; a builder may start several servers. */
    final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int tlsPort = -1;
        private WebSocketHandler handler;
        private HttpHandler httpHandler;
        private String transport;
        private TlsConfig tls;
        private final List<String> subprotocols = new ArrayList<>();
        private final List<String> allowedOrigins = new ArrayList<>();
        private final List<ExtensionProvider> extensions = new ArrayList<>();
        private long maxMessageSize = 16L << 20;
        private long maxFrameSize = -1;
        private int maxConnections = Integer.MAX_VALUE;
        private HttpLimits httpLimits = HttpLimits.defaults();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private Duration pingInterval = Duration.ofSeconds(30);
        private Duration pongTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private long maxQueuedBytes = 4L << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private int workers = Runtime.getRuntime().availableProcessors();
        private ActorSystem actorSystem;
        private boolean blockingHandlers;
        private int nodeId;

        Builder() {
        }

        /** Interface to bind; default {@code 0.0.0.0} (all). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; default 8080; 0 picks a free port ({@link WebSocketServer#port()} tells which). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Serves TLS on this second port as well as plain TCP on {@link #port(int)} (both listeners share the
         * loops, handler and limits). Without it, a server configured with TLS serves TLS only, on
         * {@link #port(int)}.
         */
        public Builder tlsPort(int tlsPort) {
            if (tlsPort < 0 || tlsPort > 65535) {
                throw new IllegalArgumentException("port out of range: " + tlsPort);
            }
            this.tlsPort = tlsPort;
            return this;
        }

        /** The WebSocket handler (required). */
        public Builder handler(WebSocketHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Answers requests that are not upgrades; without one they get 426. */
        public Builder httpHandler(HttpHandler httpHandler) {
            this.httpHandler = Objects.requireNonNull(httpHandler, "httpHandler");
            return this;
        }

        /**
         * Selects a transport provider by name ({@code nio}, {@code jdk-tls}, or one from another module such as
         * {@code conscrypt}). Default: the available provider with the highest priority that fits (a secure one
         * when TLS is configured). An unknown name fails {@link #start()} with the list of names found.
         */
        public Builder transport(String name) {
            this.transport = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Serves wss:// with a PEM certificate chain and private key (SERVE-02). */
        public Builder tls(Path certificateChainPem, Path privateKeyPem) {
            return tls(TlsConfig.pem(certificateChainPem, privateKeyPem));
        }

        /** Serves wss:// with these TLS settings. */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Subprotocols the server speaks, most preferred first; the first the client also offers is chosen. */
        public Builder subprotocols(String... names) {
            subprotocols.clear();
            subprotocols.addAll(Arrays.asList(names));
            return this;
        }

        /**
         * Origins allowed to connect (exact {@code https://app.example.com} or {@code https://*.example.com});
         * others get 403. Default: every origin.
         */
        public Builder allowedOrigins(String... origins) {
            allowedOrigins.clear();
            allowedOrigins.addAll(Arrays.asList(origins));
            return this;
        }

        /**
         * Enables a WebSocket extension found through {@code ServiceLoader}, e.g. {@code permessage-deflate} (module
         * {@code ws-deflate}).
         *
         * @throws IllegalArgumentException when no available provider has that name; the message lists those found
         */
        public Builder extension(String name) {
            extensions.add(ExtensionProviders.named(Objects.requireNonNull(name, "name")));
            return this;
        }

        /**
         * Enables a WebSocket extension given as a provider object, e.g. {@code new PerMessageDeflate(config)} to
         * choose its settings. Its agreements must also be the codec's {@code dev.sleet.frame.spi.FrameExtension}.
         */
        public Builder extension(ExtensionProvider provider) {
            extensions.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /** Largest message accepted, in bytes; larger ones close the connection with 1009. Default 16 MiB. */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = positive(bytes, "maxMessageSize");
            return this;
        }

        /** Largest single frame accepted; default: the message limit. */
        public Builder maxFrameSize(long bytes) {
            this.maxFrameSize = positive(bytes, "maxFrameSize");
            return this;
        }

        /** Open connections allowed; further upgrades get 503. Default: unlimited. */
        public Builder maxConnections(int count) {
            this.maxConnections = (int) positive(count, "maxConnections");
            return this;
        }

        /** Request line and header limits (431 when exceeded). */
        public Builder httpLimits(HttpLimits limits) {
            this.httpLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Time allowed from accept to a complete upgrade request; then the socket is dropped. Default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshakeTimeout");
            return this;
        }

        /** Closes (1001) a connection that received nothing for this long. Default: off ({@link Duration#ZERO}). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Pings a connection that received nothing for this long (BEAT-01). Default 30 s; {@link Duration#ZERO}
         * turns the heartbeat off.
         */
        public Builder pingInterval(Duration interval) {
            this.pingInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Time a ping's matching pong may take before the connection is closed (BEAT-04). Default 10 s. */
        public Builder pongTimeout(Duration timeout) {
            this.pongTimeout = positive(timeout, "pongTimeout");
            return this;
        }

        /** Time to wait for the peer's close frame after sending ours, then TCP is closed. Default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /** Outbound bytes a connection may have queued before its overflow policy applies. Default 4 MiB. */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = positive(bytes, "maxQueuedBytes");
            return this;
        }

        /** What to do with a slow consumer. Default {@link OverflowPolicy#CLOSE} (1008). */
        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Number of event loops (I/O threads). Default: available processors. */
        public Builder eventLoops(int count) {
            this.eventLoops = (int) positive(count, "eventLoops");
            return this;
        }

        /** Actor worker threads, when the server creates its own actor system. Default: available processors. */
        public Builder workers(int count) {
            this.workers = (int) positive(count, "workers");
            return this;
        }

        /** Runs connection actors on an existing system (the server will not shut it down). */
        public Builder actorSystem(ActorSystem system) {
            this.actorSystem = Objects.requireNonNull(system, "system");
            return this;
        }

        /**
         * Handlers may block (database calls, file I/O): each connection's actor then runs on virtual threads so a
         * blocked handler holds no worker (ACTOR-07). Default false.
         */
        public Builder blockingHandlers(boolean blocking) {
            this.blockingHandlers = blocking;
            return this;
        }

        /** A number (0–65535) that makes connection ids unique across the nodes of a cluster. Default 0. */
        public Builder nodeId(int nodeId) {
            if (nodeId < 0 || nodeId > 0xFFFF) {
                throw new IllegalArgumentException("nodeId must be 0..65535");
            }
            this.nodeId = nodeId;
            return this;
        }

        /** Binds and starts serving. */
        public WebSocketServer start() throws IOException {
            if (handler == null) {
                throw new IllegalStateException("a handler is required: builder().handler(...)");
            }
            if (tlsPort >= 0 && tls == null) {
                throw new IllegalStateException("tlsPort needs TLS settings: builder.tls(...)");
            }
            ServerConfig config = new ServerConfig(host, port, tlsPort, handler, httpHandler, transport, tls,
                    List.copyOf(subprotocols), List.copyOf(allowedOrigins), List.copyOf(extensions),
                    maxMessageSize, maxFrameSize < 0 ? maxMessageSize : maxFrameSize, maxConnections, httpLimits,
                    handshakeTimeout, idleTimeout, pingInterval, pongTimeout, closeTimeout, maxQueuedBytes,
                    overflowPolicy, eventLoops, workers, actorSystem, blockingHandlers, nodeId);
            return ServerCore.start(config);
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }
}
