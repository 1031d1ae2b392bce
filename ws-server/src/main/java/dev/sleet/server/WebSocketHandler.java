package dev.sleet.server;

import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Application callbacks for one kind of connection (a route, or the whole server). Every callback for a given
 * connection runs in that connection's actor: one at a time, in order, never on an event loop, so a slow callback
 * delays only its own connection. An exception thrown from a callback closes that connection alone with 1011 and
 * {@link #onClose} still runs.
 */
public interface WebSocketHandler {

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

    /** The connection is open: the 101 is queued and messages may be sent. */
    default void onOpen(Connection connection) throws Exception {
    }

    /** A complete text or binary message arrived (RFC 6455 §6.2: fragments already joined). */
    void onMessage(Connection connection, Message message) throws Exception;

    /**
     * A message sent to the connection's actor with {@link Connection#tell(Object)} arrived; it is ordered with the
     * connection's frames but never confused with them.
     */
    default void onInfo(Connection connection, Object message) throws Exception {
    }

    /**
     * The connection ended. Runs exactly once for every connection whose {@link #onOpen} ran, whatever
     * the cause: a close handshake (the code that started it), a protocol error (1002, 1007, 1009…), a handler
     * crash (1011), a heartbeat timeout, a slow consumer (1008), server shutdown (1001) or a dropped TCP
     * connection (1006).
     */
    default void onClose(Connection connection, CloseStatus status) throws Exception {
    }
}
