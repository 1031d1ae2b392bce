package dev.sleet.server.internal;

import dev.sleet.core.internal.ConnectionConfig;

import dev.sleet.actor.ActorSystem;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.TrustedProxies;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.server.HttpHandler;
import dev.sleet.core.OverflowPolicy;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketHandler;
import java.time.Duration;
import java.util.List;

/**
 * Everything a running server was built with; made by {@code WebSocketServer.Builder}, validated there (every
 * value is within the range {@code docs/limits.md} gives, and defaults are resolved: nothing here is "unset").
 * Defaults and ranges live in {@link Defaults}.
 *
 * @param actorSystem              a system to run connection actors on, or null to create (and own) one
 * @param transport                a transport provider name, or null to choose by priority
 * @param tlsPort                  a second port for TLS when both plain and TLS listeners are wanted; -1 for none
 * @param maxFrameSize             at most {@code maxMessageSize} (the builder's default is that value)
 * @param maxConnections           sockets open at once, counted from accept (handshaking ones included); over it a
 *                                 newly accepted socket is closed at once. Default: the descriptor limit minus
 *                                 {@link Defaults#DESCRIPTOR_RESERVE}, see {@link Defaults#maxConnections()}
 * @param idleTimeout              zero when off
 * @param pingInterval             zero when the heartbeat is off
 * @param decisionTimeout          the most {@code onConnect} or an HTTP handler may take to decide; then the peer gets
 *                                 503. The builder resolves an unset value to {@code handshakeTimeout}
 * @param maxConnectionsPerAddress sockets open at once from one remote IP address; 0 when off (the default)
 * @param acceptBackoff            how long accepting pauses after accept failed for lack of descriptors
 *                                 (EMFILE/ENFILE); default 1 s
 * @param proxyProtocol            every connection starts with a PROXY protocol header (v1 or v2), on every listener
 * @param trustedProxies           whose forwarding headers are believed; {@link TrustedProxies#none()} by default
 * @param handler                  the catch-all WebSocket handler (requests no route matches), or null with routes
 * @param maxRequestsPerConnection plain HTTP requests served on one connection; 1 when keep-alive is off
 * @param httpKeepAliveTimeout     after a kept-alive response, the next request must be complete within this
 * @param routes                   the routes, compiled; empty when none were given
 * @param writeHighWater           queued outbound bytes at which a connection turns unwritable (at most
 *                                 {@code maxQueuedBytes})
 * @param writeLowWater            queued outbound bytes below which it is writable again (below the high mark)
 */
public record ServerConfig(
        String host,
        int port,
        int tlsPort,
        WebSocketHandler handler,
        HttpHandler httpHandler,
        String transport,
        TlsConfig tls,
        List<String> subprotocols,
        List<String> allowedOrigins,
        List<ExtensionProvider> extensions,
        long maxMessageSize,
        long maxFrameSize,
        int maxConnections,
        HttpLimits httpLimits,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration pingInterval,
        Duration pongTimeout,
        Duration closeTimeout,
        long maxQueuedBytes,
        OverflowPolicy overflowPolicy,
        int eventLoops,
        int workers,
        ActorSystem actorSystem,
        boolean blockingHandlers,
        int nodeId,
        Duration decisionTimeout,
        int maxConnectionsPerAddress,
        Duration acceptBackoff,
        boolean proxyProtocol,
        TrustedProxies trustedProxies,
        Router routes,
        int maxRequestsPerConnection,
        Duration httpKeepAliveTimeout,
        long writeHighWater,
        long writeLowWater) implements ConnectionConfig {
}
