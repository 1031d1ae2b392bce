package dev.sleet.server.internal;

import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.HandshakeResult;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.UpgradeRequest;

/**
 * What a connection's actor receives: protocol events from the event loop and user messages sent with
 * {@code Connection.tell}, as distinct types in one ordered mailbox.
 */
sealed interface ConnectionEvent {

    /** A valid upgrade request awaits the handler's decision. */
    record Upgrade(UpgradeRequest request, HandshakeResult result) implements ConnectionEvent {
    }

    /**
     * {@code onConnectAsync}'s stage completed (on any thread) with {@code decision} or {@code failure}; handled in
     * the actor, like every decision.
     */
    record Decided(Upgrade upgrade, dev.sleet.server.ConnectDecision decision, Throwable failure)
            implements ConnectionEvent {
    }

    /** A plain HTTP request for the plain-HTTP handler; {@code keepAlive} when the connection may persist after it. */
    record PlainRequest(HttpServerRequest request, dev.sleet.server.HttpHandler handler, boolean keepAlive)
            implements ConnectionEvent {
    }

    /** A complete text message: validated UTF-8, decoded to a string in the actor, off the event loop. */
    record TextIn(byte[] utf8) implements ConnectionEvent {
    }

    /** A complete binary message; the actor owns the array. */
    record BinaryIn(byte[] data) implements ConnectionEvent {
    }

    /** A user message from {@code Connection.tell}. */
    record Info(Object message) implements ConnectionEvent {
    }

    /**
     * The connection is closing because the peer sent a close ({@code echo}) or broke the protocol; handled after
     * the messages that came before it, so their replies precede the close frame.
     */
    record Closing(CloseStatus status, boolean echo) implements ConnectionEvent {
    }

    /** The connection is gone; {@code status} is what {@code onClose} reports. */
    record Ended(CloseStatus status) implements ConnectionEvent {
    }

    /** A piece of a data message, for a handler that receives fragments; text pieces hold whole characters. */
    record FragmentIn(boolean text, byte[] data, boolean first, boolean last) implements ConnectionEvent {
    }

    /** A ping ({@code ping}) or pong the peer sent, for a handler that overrides {@code onPing}/{@code onPong}. */
    record ControlIn(boolean ping, byte[] payload) implements ConnectionEvent {
    }

    /** The outbound queue fell below its low-water mark after having reached its high-water mark. */
    record Writable() implements ConnectionEvent {
        static final Writable INSTANCE = new Writable();
    }

    /** Send completions are parked on the connection for the actor to run. */
    record SendsSettled() implements ConnectionEvent {
        static final SendsSettled INSTANCE = new SendsSettled();
    }
}
