package dev.sleet.core;

import dev.sleet.frame.Frames;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.spi.OutboundTransform;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message encoded once into its frame bytes, to be sent to many connections (broadcast). Every
 * {@link Connection#send(PreparedMessage)} queues the same read-only bytes: fan-out costs a queue offer per
 * recipient, not an encode or a copy.
 *
 * <p>Connections that negotiated an extension which transforms messages (permessage-deflate) send the message
 * through their own transform ({@link #frame(OutboundTransform)}). When that transform keeps no context between
 * messages it says so with a {@link OutboundTransform#contextFreeKey() key}, and the transformed frame is made
 * once per distinct key and shared like the plain one: a broadcast to a room compresses once per distinct set of
 * negotiated parameters, not once per member.
 */
public final class PreparedMessage {
    private final ByteBuffer frame;
    private final boolean text;
    private final int payloadSize;
    /** Transformed frames shared by context-free transforms: key, frame, key, frame... Copy-on-write. */
    private volatile Object[] shared = NONE;
    private static final Object[] NONE = {};

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

    /**
     * The frame a connection whose negotiated extension has the outbound {@code transform} sends. A transform with a
     * {@link OutboundTransform#contextFreeKey() context-free key} is run at most once per distinct key for this
     * message and its frame is shared (read-only, like {@link #frame()}); any other transform is run for this call
     * (its output depends on the connection's earlier messages). When the transform leaves the message as it is,
     * the plain frame is returned. The caller serializes calls on one transform, as for any send.
     *
     * @param transform the connection's outbound transform, or {@code null} for none
     */
    public ByteBuffer frame(OutboundTransform transform) {
        if (transform == null) {
            return frame;
        }
        Object key = transform.contextFreeKey();
        if (key == null) {
            return transformed(transform);
        }
        ByteBuffer found = lookup(shared, key);
        if (found != null) {
            return found;
        }
        synchronized (this) {
            Object[] s = shared;
            found = lookup(s, key);
            if (found == null) {
                found = transformed(transform);
                Object[] grown = Arrays.copyOf(s, s.length + 2);
                grown[s.length] = key;
                grown[s.length + 1] = found;
                shared = grown;
            }
            return found;
        }
    }

    private static ByteBuffer lookup(Object[] s, Object key) {
        for (int i = 0; i < s.length; i += 2) {
            if (s[i].equals(key)) {
                return (ByteBuffer) s[i + 1];
            }
        }
        return null;
    }

    private ByteBuffer transformed(OutboundTransform transform) {
        Opcode opcode = text ? Opcode.TEXT : Opcode.BINARY;
        ByteBuffer out = transform.transform(opcode, payload());
        return out == null ? frame : Frames.frame(true, transform.rsvBits(), opcode, out).asReadOnlyBuffer();
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
