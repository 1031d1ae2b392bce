package dev.sleet.server;

import dev.sleet.frame.Frames;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A message encoded once into its frame bytes, to be sent to many connections (broadcast). Every
 * {@link Connection#send(PreparedMessage)} queues the same read-only bytes: fan-out costs a queue offer per
 * recipient, not an encode or a copy.
 */
public final class PreparedMessage {
    private final ByteBuffer frame;
    private final boolean text;
    private final int payloadSize;

    private PreparedMessage(ByteBuffer frame, boolean text, int payloadSize) {
        this.frame = frame.asReadOnlyBuffer();
        this.text = text;
        this.payloadSize = payloadSize;
    }

    /** A text message (UTF-8 encoded once). */
    public static PreparedMessage text(CharSequence text) {
        Objects.requireNonNull(text, "text");
        ByteBuffer frame = Frames.text(text);
        return new PreparedMessage(frame, true, frame.remaining() - headerLength(frame));
    }

    /** A binary message; the bytes are copied once, so the caller may reuse {@code data}. */
    public static PreparedMessage binary(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        int size = data.remaining();
        return new PreparedMessage(Frames.binary(data.duplicate()), false, size);
    }

    /** A binary message; the array is copied once. */
    public static PreparedMessage binary(byte[] data) {
        return binary(ByteBuffer.wrap(data));
    }

    /** True for a text message. */
    public boolean isText() {
        return text;
    }

    /** Payload size in bytes. */
    public int payloadSize() {
        return payloadSize;
    }

    /** Size on the wire (header plus payload). */
    public int frameSize() {
        return frame.remaining();
    }

    /**
     * The encoded frame (header and payload): one read-only buffer shared by every send. Its position and limit
     * are never changed by Sleet; readers use absolute gets or a {@code duplicate()}.
     */
    public ByteBuffer frame() {
        return frame;
    }

    /** The payload alone (a read-only view into the same bytes), e.g. to carry the message to another node. */
    public ByteBuffer payload() {
        return frame.duplicate().position(frame.position() + headerLength(frame)).slice().asReadOnlyBuffer();
    }

    private static int headerLength(ByteBuffer frame) {
        int len7 = frame.get(frame.position() + 1) & 0b0111_1111;
        return len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
    }
}
