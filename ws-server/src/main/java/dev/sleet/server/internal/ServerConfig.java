package dev.sleet.server.internal;

import dev.sleet.actor.ActorSystem;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.spi.ExtensionProvider;
import dev.sleet.server.HttpHandler;
import dev.sleet.server.OverflowPolicy;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketHandler;
import java.time.Duration;
import java.util.List;

/**
 * Everything a running server was built with; made by {@code WebSocketServer.Builder}, validated there.
 *
 * @param actorSystem   a system to run connection actors on, or null to create (and own) one
 * @param transport     a transport provider name, or null to choose by priority
 * @param tlsPort       a second port for TLS when both plain and TLS listeners are wanted; -1 for none
 * @param idleTimeout   zero when off
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
        int nodeId) {
}
