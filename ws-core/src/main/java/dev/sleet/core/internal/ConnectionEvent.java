package dev.sleet.core.internal;

import dev.sleet.frame.CloseStatus;

/**
 * What a connection's actor receives: protocol events from the event loop and user messages sent with
 * {@code Connection.tell}, as distinct types in one ordered mailbox.
 */
public sealed interface ConnectionEvent {

    /**
     * The connection opened on the loop without a decision in the actor (a client: the server's 101 was valid); the
     * actor opens it for reading and runs {@code onOpen}.
     */
    record Opened(dev.sleet.frame.spi.FrameExtension extension, String subprotocol) implements ConnectionEvent {
    }

    /** An event only one side knows (the server's upgrade decision, its plain HTTP requests). */
    non-sealed interface Other extends ConnectionEvent {
    }

    /**
     * A complete text message, kept as the frame that would send it back ({@code Frames.dataFrameArray}): validated
     * UTF-8 from {@code offset} on, decoded to a string in the actor, off the event loop.
     */
    record TextIn(byte[] frame, int offset) implements ConnectionEvent {
        int size() {
            return frame.length - offset;
        }
    }

    /** A complete binary message, kept as the frame that would send it back; the actor owns the array. */
    record BinaryIn(byte[] frame, int offset) implements ConnectionEvent {
        int size() {
            return frame.length - offset;
        }
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
