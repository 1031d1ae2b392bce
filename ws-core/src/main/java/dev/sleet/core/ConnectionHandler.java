package dev.sleet.core;

import dev.sleet.frame.CloseStatus;

/**
 * Application callbacks for one connection, on either side: the server's {@code WebSocketHandler} extends this with
 * the upgrade decision, and the client takes it as it is. Every callback for a given connection runs in that
 * connection's actor: one at a time, in order, never on an event loop, so a slow callback delays only its own
 * connection. An exception thrown from a callback closes that connection alone with 1011 and {@link #onClose}
 * still runs.
 */
public interface ConnectionHandler {

    /** The connection is open: on a server the 101 is queued, on a client the 101 arrived; messages may be sent. */
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
     * crash (1011), a heartbeat timeout, a slow consumer (1008), shutdown (1001) or a dropped TCP
     * connection (1006).
     */
    default void onClose(Connection connection, CloseStatus status) throws Exception {
    }

    // ---------------------------------------------------------------------------------------------------------
    // Flow control and control frames
    // ---------------------------------------------------------------------------------------------------------

    /**
     * The connection's outbound queue fell below its low-water mark after having reached its high-water mark
     * ({@link Connection#isWritable()} is true again): a producer that paused may send again. Called once per such
     * crossing, in the connection's actor, ordered with the other callbacks; not called after the connection closed.
     * The default does nothing.
     */
    default void onWritable(Connection connection) throws Exception {
    }

    /**
     * Whether this handler takes incoming data messages in pieces as they arrive ({@link #onFragment}) instead of
     * whole ({@link #onMessage}, then never called): for messages too large to hold. Asked once per connection,
     * in its actor, before {@link #onOpen}. Default false.
     */
    default boolean receivesFragments() {
        return false;
    }

    /**
     * The next piece of an incoming message, for a handler whose {@link #receivesFragments()} is true. Pieces of one
     * message arrive in order and end with one whose {@link Fragment#isLast()} is set; messages do not overlap.
     * Each piece counts against the connection's inbound budget until this returns, so a slow handler slows the
     * peer down (TCP backpressure) instead of buffering. A connection that closes mid-message delivers no last
     * piece. The default throws {@link UnsupportedOperationException}, closing the connection with 1011.
     */
    default void onFragment(Connection connection, Fragment fragment) throws Exception {
        throw new UnsupportedOperationException(getClass().getName() + " receives fragments but does not override"
                + " onFragment");
    }

    /**
     * A ping arrived (RFC 6455 §5.5.2) with {@code payload} (at most 125 bytes, a read-only copy the handler may
     * keep). Its pong is already queued; this is for handlers that watch the peer themselves. Called in
     * the connection's actor, in order with the messages around it. Each delivered ping counts against the
     * connection's inbound budget like a message. The default does nothing, and a handler that does not override it
     * costs nothing per ping.
     */
    default void onPing(Connection connection, java.nio.ByteBuffer payload) throws Exception {
    }

    /**
     * A pong arrived (RFC 6455 §5.5.3) with {@code payload} (at most 125 bytes, a read-only copy): the answer to a
     * {@link Connection#ping} (or to the server's heartbeat ping, whose pongs show up here too), or an unsolicited
     * one. For handlers that measure latency themselves. Called in the connection's actor, in order with the
     * messages around it; each counts against the inbound budget like a message. The default does nothing, and a
     * handler that does not override it costs nothing per pong.
     */
    default void onPong(Connection connection, java.nio.ByteBuffer payload) throws Exception {
    }
}
