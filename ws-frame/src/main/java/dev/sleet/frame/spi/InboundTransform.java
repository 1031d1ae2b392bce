package dev.sleet.frame.spi;

import java.nio.ByteBuffer;

/**
 * Turns the wire payload of received messages back into message data, for one connection (for example
 * permessage-deflate's inflater, RFC 7692 §7.2.2). Only messages whose first frame carries the extension's RSV
 * bit go through it.
 *
 * <p>For each such message the {@link dev.sleet.frame.MessageAssembler} calls {@link #transform} once per
 * payload chunk of each of its frames, in order, then {@link #endMessage} once. All output goes to the given
 * {@link PayloadSink}, which validates UTF-8, enforces the message size cap (throwing as soon as the output
 * exceeds it) and buffers or streams the data. A transform should therefore write its output in bounded chunks
 * as it produces it rather than collect it: that is what keeps a small compressed message from expanding into
 * unbounded memory. Exceptions thrown by the sink must be allowed to propagate.
 *
 * <p>Not thread-safe; used by one connection's reading thread.
 */
public interface InboundTransform extends AutoCloseable {
    /**
     * Transforms the next chunk of wire payload (position to limit). The chunk is valid only during the call; the
     * transform must consume what it needs of it now (e.g. copy it into its own input buffer).
     *
     * @throws dev.sleet.frame.WebSocketException for payload the transform cannot accept, or as thrown by the sink
     */
    void transform(ByteBuffer payload, PayloadSink sink);

    /**
     * The message has ended (its final frame's payload has been passed to {@link #transform}). Write any output
     * still held back, then get ready for the next message (e.g. reset the context when it is not taken over).
     *
     * @throws dev.sleet.frame.WebSocketException as for {@link #transform}
     */
    void endMessage(PayloadSink sink);

    /** Releases resources (e.g. native zlib memory). Called once when the connection's codec is closed. */
    @Override
    void close();
}
