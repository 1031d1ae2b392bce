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

    /**
     * Whether this transform's output for a message depends on that message alone: non-null when the transform
     * carries no context from one message to the next (e.g. permessage-deflate with
     * {@code server_no_context_takeover}), so that every transform with an {@link Object#equals equal} key turns
     * the same message into the same bytes. A broadcast may then transform a message once per distinct key and
     * share the result among every connection with that key, instead of once per connection.
     *
     * @return a key with value semantics, or {@code null} (the default) when the output depends on earlier
     *     messages and every connection must transform for itself, in order
     */
    default Object contextFreeKey() {
        return null;
    }

    /** Releases resources. Called once when the connection's codec is closed. */
    @Override
    void close();
}
