package dev.sleet.frame;

import java.nio.ByteBuffer;

/**
 * Receives the frames a {@link FrameParser} reads, one event at a time: a start, zero or more payload chunks,
 * an end. The parser has already checked every rule that a frame header alone can break (RFC 6455 §5.2, §5.5);
 * rules that span frames (fragmentation, UTF-8, message size) belong to the listener, usually a
 * {@link MessageAssembler}.
 *
 * <p>A listener may throw a {@link WebSocketException} from any method; the parser then becomes terminal and
 * passes the exception on to its caller.
 */
public interface FrameListener {
    /**
     * A frame header has been read and accepted.
     *
     * @param fin whether this is the final frame of its message
     * @param rsv the reserved bits ({@link Rsv}); non-zero only for bits the parser was told an extension owns
     * @param opcode the opcode (never a reserved one)
     * @param payloadLength the declared payload length, within the parser's limit
     */
    void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength);

    /**
     * The next chunk of the current frame's payload, already unmasked, between the buffer's position and limit.
     *
     * <p>The buffer is the caller's own input buffer with its position and limit narrowed to the chunk: nothing is
     * copied or allocated. It is valid only during this call; the listener may read it (moving the position) or
     * modify the bytes, but must not keep it. The parser restores position and limit afterwards. A frame's
     * payload arrives in as many chunks as the input was split into buffers; an empty payload in none.
     */
    void onPayload(ByteBuffer payload);

    /** The current frame's payload is complete. */
    void onFrameEnd();
}
