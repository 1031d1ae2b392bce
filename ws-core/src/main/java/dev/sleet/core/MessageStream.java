package dev.sleet.core;

import java.nio.ByteBuffer;

/**
 * One outgoing message sent as a sequence of fragments (RFC 6455 §5.4), from {@link Connection#streamText()} or
 * {@link Connection#streamBinary()}: the peer sees one message whose pieces the server never holds together.
 * Methods are safe to call from any thread (calls are ordered as they take the stream's lock) and never block.
 *
 * <p>Rules while the message is open (from the stream's creation until a piece is sent with {@code last} set, or
 * {@link #close()}):
 * <ul>
 *   <li>Other data messages sent to the connection meanwhile ({@code send}, {@code sendAsync}, broadcasts) never go
 *       inside it: they are held, counted against the outbound cap like queued bytes, and queued in order right
 *       after the last piece. Control frames (pings, the answers to the peer's pings) may go between pieces, as
 *       the RFC allows.</li>
 *   <li>One fragmented message at a time: opening a second stream on the connection throws
 *       {@link IllegalStateException} until the first ends.</li>
 *   <li>Each piece counts against the outbound cap and its overflow policy like any send; a
 *       {@link SendResult#DROPPED} piece was not sent and may be sent again.</li>
 *   <li>If the connection closes first, the close frame goes out between pieces: the peer never sees the message
 *       end, further pieces return {@link SendResult#CLOSED}, and held data messages are discarded (their
 *       {@code sendAsync} stages fail with {@link SendFailedException}).</li>
 *   <li>A stream that is abandoned (never ended) keeps holding the connection's other data messages until the
 *       outbound cap trips its policy: end every stream, e.g. with try-with-resources.</li>
 * </ul>
 * With permessage-deflate negotiated, a streamed message is sent uncompressed (RFC 7692 lets each message choose).
 */
public interface MessageStream extends AutoCloseable {

    /**
     * Sends the next piece of a text message; {@code last} ends the message. A piece that would end between the
     * two halves of a surrogate pair keeps its high surrogate for the next piece.
     *
     * @throws IllegalStateException on a binary stream, or after the message ended
     */
    SendResult send(CharSequence text, boolean last);

    /**
     * Sends the next piece of a binary message (the buffer's remaining bytes, copied before return); {@code last}
     * ends the message.
     *
     * @throws IllegalStateException on a text stream, or after the message ended
     */
    SendResult send(ByteBuffer data, boolean last);

    /** True once the message has ended (a piece with {@code last} was queued, or the stream was closed). */
    boolean isDone();

    /**
     * Ends the message with an empty last piece if it is still open (the peer gets what was sent so far as a whole
     * message), so the connection's held data messages go out. Does nothing if it already ended. Never throws.
     */
    @Override
    void close();
}
