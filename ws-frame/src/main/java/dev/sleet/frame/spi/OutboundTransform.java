package dev.sleet.frame.spi;

import dev.sleet.frame.Opcode;
import java.nio.ByteBuffer;

/**
 * Transforms whole outgoing messages before they are framed, for one connection (for example permessage-deflate's
 * deflater, RFC 7692 §7.2.1). When it transforms a message, the first frame of that message carries
 * {@link #rsvBits()}.
 *
 * <p>Not thread-safe; callers serialize the messages of one connection (the order of messages is the order of
 * the transform's context).
 */
public interface OutboundTransform extends AutoCloseable {
    /** The {@link dev.sleet.frame.Rsv} bits to set on the first frame of a transformed message. */
    int rsvBits();

    /**
     * Transforms one message.
     *
     * @param opcode {@link Opcode#TEXT} or {@link Opcode#BINARY}
     * @param payload the message data from its position to its limit; the transform must not change the
     *     position
     * @return the payload to send, from its position to its limit, with {@link #rsvBits()} set; or {@code null}
     *     to send {@code payload} unchanged without the bits (e.g. a message too small to be worth compressing)
     */
    ByteBuffer transform(Opcode opcode, ByteBuffer payload);

    /** Releases resources. Called once when the connection's codec is closed. */
    @Override
    void close();
}
