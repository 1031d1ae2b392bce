package dev.sleet.server;

import dev.sleet.core.ConnectionHandler;

import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Application callbacks for one kind of server connection (a route, or the whole server): the shared
 * {@link ConnectionHandler} callbacks plus the upgrade decision, made before the 101 is written. Every callback for a
 * given connection runs in that connection's actor: one at a time, in order, never on an event loop.
 */
public interface WebSocketHandler extends ConnectionHandler {

    /**
     * Decides whether to accept an upgrade request, before the 101 response is written (RFC 6455 §4.2.2). The
     * default accepts. The request shows path, query, headers, addresses and the requested subprotocols.
     */
    default ConnectDecision onConnect(UpgradeRequest request) throws Exception {
        return ConnectDecision.accept();
    }

    /**
     * Decides later: the server waits for the stage without holding a worker (the actor is idle meanwhile) and acts
     * on its completion in the connection's actor, never on the thread that completed it. The wait is bounded by
     * {@code connectDecisionTimeout}: past it the client gets 503 and a late completion changes nothing. A stage
     * completed exceptionally (or an exception thrown here) answers 500; a {@code null} stage or decision accepts.
     * The default calls {@link #onConnect} and wraps its decision in a completed stage, handled at once.
     */
    default CompletionStage<ConnectDecision> onConnectAsync(UpgradeRequest request) throws Exception {
        return CompletableFuture.completedFuture(onConnect(request));
    }
}
