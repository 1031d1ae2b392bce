package dev.sleet.frame;

import java.nio.ByteBuffer;

/**
 * Receives the messages a {@link MessageAssembler} rebuilds from frames (RFC 6455 §5.4–§5.6).
 *
 * <p>Every buffer passed in is valid only during the call: it is either the caller's input buffer narrowed to
 * the payload or the assembler's reassembly buffer, both reused afterwards. Read it, copy it, or decode it
 * ({@link Utf8#decode(ByteBuffer)}) before returning.
 *
 * <p>A listener may throw a {@link WebSocketException} to fail the connection with its close code.
 */
public interface MessageListener {
    /** A complete text message, already validated as UTF-8. */
    void onText(ByteBuffer utf8);

    /** A complete binary message. */
    void onBinary(ByteBuffer data);

    /** A ping (§5.5.2), at most 125 bytes. The endpoint should answer with a pong carrying the same bytes. */
    void onPing(ByteBuffer payload);

    /** A pong (§5.5.3), at most 125 bytes. */
    void onPong(ByteBuffer payload);

    /**
     * A close frame (§5.5.1), decoded and validated ({@link CloseStatus#decode(ByteBuffer)}); a close frame without
     * payload is reported as {@link CloseCodes#NO_STATUS}.
     */
    void onClose(CloseStatus status);

    /**
     * Streaming mode only: the next piece of a text message, validated as UTF-8 so far. Pieces are cut where the
     * input was cut, so a code point may straddle two of them; the piece with {@code last} set completes the
     * message (and may be empty). The default implementation throws {@link UnsupportedOperationException}.
     */
    default void onTextFragment(ByteBuffer utf8, boolean last) {
        throw new UnsupportedOperationException("streaming mode needs MessageListener.onTextFragment");
    }

    /**
     * Streaming mode only: the next piece of a binary message; the piece with {@code last} set completes it (and
     * may be empty). The default implementation throws {@link UnsupportedOperationException}.
     */
    default void onBinaryFragment(ByteBuffer data, boolean last) {
        throw new UnsupportedOperationException("streaming mode needs MessageListener.onBinaryFragment");
    }
}
