package dev.sleet.client;

import dev.sleet.client.internal.ClientConfig;
import dev.sleet.client.internal.ClientCore;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.OverflowPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * A WebSocket client (RFC 6455, client role): one set of event loops and one actor system shared by every
 * connection it opens, so thousands of connections cost threads only once.
 *
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.builder().build();
 * Connection c = client.connect(URI.create("ws://localhost:8080/chat"), (connection, message) ->
 *         System.out.println(message)).toCompletableFuture().join();
 * c.send("hello");
 * client.close();
 * }</pre>
 *
 * The programming model is the server's: each connection has its own actor, every {@link ConnectionHandler}
 * callback runs in it (one at a time, in order, never on an I/O thread), {@link Connection#send} from any thread
 * never blocks and answers a {@code SendResult}, and the outbound queue is capped ({@link Builder#maxQueuedBytes}).
 * Every frame the client sends is masked with a fresh key (RFC 6455 §5.3); a masked frame from the server, invalid
 * UTF-8 or an oversized message close the connection with 1002, 1007 or 1009.
 */
public interface WebSocketClient extends AutoCloseable {

    /**
     * Connects: resolves the host (off the I/O threads), opens TCP, runs TLS for {@code wss} (hostname verification
     * and SNI on), sends the upgrade request and checks the 101. The stage completes, in the connection's actor,
     * once {@code handler.onOpen} has returned; it fails with a {@link WebSocketClientException} saying what went
     * wrong.
     */
    CompletableFuture<Connection> connect(URI uri, ConnectOptions options, ConnectionHandler handler);

    /** {@link #connect(URI, ConnectOptions, ConnectionHandler)} with {@link ConnectOptions#defaults()}. */
    default CompletableFuture<Connection> connect(URI uri, ConnectionHandler handler) {
        return connect(uri, ConnectOptions.defaults(), handler);
    }

    /**
     * The TLS provider {@code wss} connections use ({@code "jdk-tls"}, {@code "conscrypt"}), or {@code "custom"} for a
     * context given to the builder.
     */
    String tlsTransport();

    /** Connections currently open. */
    int openConnections();

    /**
     * Closes every open connection with 1001 (waiting up to {@code timeout} for their close handshakes) and stops
     * the client's threads. Idempotent. Safe from any thread: called from one of the client's own threads (a
     * handler, which runs on its workers) it starts the close and returns at once, since waiting would wait for
     * itself.
     */
    void close(Duration timeout);

    /** {@link #close(Duration)} with a 5-second timeout. */
    @Override
    default void close() {
        close(Duration.ofSeconds(5));
    }

    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link WebSocketClient}; every value is checked by {@link #build()}. */
    final class Builder {
        private int eventLoops = 1;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private long maxMessageSize = 16L << 20;
        private long maxFrameSize = -1;
        private long maxQueuedBytes = 4L << 20;
        private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
        private SSLContext sslContext;
        private boolean verifyHostname = true;
        private boolean blockingHandlers;
        private Duration pingInterval = Duration.ZERO;
        private Duration pongTimeout = Duration.ofSeconds(10);
        private int maxResponseHeaderBytes = 16 * 1024;
        private String tlsTransport;
        private javax.net.ssl.TrustManager[] trustManagers;
        private javax.net.ssl.KeyManager[] keyManagers;
        private String proxyHost;
        private int proxyPort;
        private String proxyUser;
        private String proxyPassword;

        private Builder() {
        }

        /** I/O threads (default 1). */
        public Builder eventLoops(int n) {
            this.eventLoops = n;
            return this;
        }

        /** Actor worker threads that run the handlers (default: available processors). */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /**
         * Deadline for the TCP connect (default 10 s). A host name with several addresses is tried address by
         * address, in the resolver's order, until one accepts (a refused or unreachable address moves on at once);
         * the deadline covers all the attempts together.
         */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d, "connectTimeout");
            return this;
        }

        /** Deadline for TLS plus the upgrade, from the moment TCP is up (default 10 s). */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = Objects.requireNonNull(d, "handshakeTimeout");
            return this;
        }

        /** How long a close handshake may take before TCP is dropped (default 5 s). */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = Objects.requireNonNull(d, "closeTimeout");
            return this;
        }

        /** Largest message accepted from the server (default 16 MiB; larger: 1009). */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** Largest single frame accepted (default: {@code maxMessageSize}). */
        public Builder maxFrameSize(long bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        /** Outbound cap per connection, in bytes of memory (default 4 MiB). */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** What a send over the cap does (default {@link OverflowPolicy#CLOSE}: close with 1008). */
        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "overflowPolicy");
            return this;
        }

        /**
         * Which TLS engines {@code wss} uses, by provider name: {@code "jdk-tls"} (built in) or {@code "conscrypt"}
         * (with the {@code ws-tls-conscrypt} module). Default: the available provider with the highest priority, so
         * Conscrypt when its module is present and its native library loads, else the JDK's.
         */
        public Builder tlsTransport(String name) {
            this.tlsTransport = Objects.requireNonNull(name, "tlsTransport");
            return this;
        }

        /** Whom {@code wss} trusts (default: the platform's trust store). Used with the chosen TLS provider. */
        public Builder trustManagers(javax.net.ssl.TrustManager... trust) {
            this.trustManagers = trust.clone();
            return this;
        }

        /** A client certificate for {@code wss} servers that ask for one (mutual TLS). */
        public Builder keyManagers(javax.net.ssl.KeyManager... keys) {
            this.keyManagers = keys.clone();
            return this;
        }

        /**
         * A ready TLS context for {@code wss}, used as it is (it overrides {@link #tlsTransport},
         * {@link #trustManagers} and {@link #keyManagers}).
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /**
         * Whether the server's certificate must name the host of the URI (default true). Turn off only for tests
         * against a certificate that cannot name the host.
         */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /** Handlers may block: connection actors run on virtual threads (default false). */
        public Builder blockingHandlers(boolean blocking) {
            this.blockingHandlers = blocking;
            return this;
        }

        /**
         * Sends a ping after this much silence from the server and closes (1001) if no pong comes within
         * {@link #pongTimeout}. Zero (the default) turns the heartbeat off.
         */
        public Builder pingInterval(Duration d) {
            this.pingInterval = Objects.requireNonNull(d, "pingInterval");
            return this;
        }

        /** How long to wait for a heartbeat pong (default 10 s). */
        public Builder pongTimeout(Duration d) {
            this.pongTimeout = Objects.requireNonNull(d, "pongTimeout");
            return this;
        }

        /** Cap on the server's response head (default 16 KiB); more fails the connect. */
        public Builder maxResponseHeaderBytes(int bytes) {
            this.maxResponseHeaderBytes = bytes;
            return this;
        }

        /**
         * Connects through an HTTP proxy: a {@code CONNECT} tunnel to the URI's host and port (RFC 9110 §9.3.6), then
         * TLS (for {@code wss}, with the URI's host name for SNI and verification) and the upgrade through it.
         */
        public Builder proxy(String host, int port) {
            this.proxyHost = Objects.requireNonNull(host, "proxy host");
            this.proxyPort = port;
            return this;
        }

        /** Basic credentials for the proxy (RFC 7617, sent as {@code Proxy-Authorization}). */
        public Builder proxyCredentials(String user, String password) {
            this.proxyUser = Objects.requireNonNull(user, "proxy user");
            this.proxyPassword = Objects.requireNonNull(password, "proxy password");
            return this;
        }

        /**
         * Starts the client's threads.
         *
         * @throws IllegalArgumentException naming the option whose value is out of range
         */
        public WebSocketClient build() {
            return ClientCore.start(new ClientConfig(eventLoops, workers, connectTimeout, handshakeTimeout,
                    closeTimeout, maxMessageSize, maxFrameSize < 0 ? maxMessageSize : maxFrameSize, maxQueuedBytes,
                    overflowPolicy, sslContext, verifyHostname, blockingHandlers, pingInterval, pongTimeout,
                    maxResponseHeaderBytes, proxyHost, proxyPort, proxyUser, proxyPassword, tlsTransport,
                    trustManagers, keyManagers));
        }
    }
}
