package dev.sleet.frame;

import dev.sleet.frame.internal.FrameHeaders;
import dev.sleet.frame.internal.MaskKeys;
import dev.sleet.frame.spi.OutboundTransform;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encodes one whole frame into a new, exactly sized heap buffer (header and payload, position 0, limit at the
 * end): for an outbound queue, and for broadcast, where one encoded frame is shared by every recipient through
 * {@link ByteBuffer#duplicate()} views. The server-role methods never mask (RFC 6455 §5.1); the
 * {@code masked…}/{@link #frame(Role, boolean, int, Opcode, ByteBuffer)} variants produce client frames, which
 * tests use to talk to a server.
 *
 * <p>Text is encoded from the {@link CharSequence} straight into the frame buffer, after one pass to measure its
 * UTF-8 length (both passes run ASCII without branching on the encoding). Payload buffers are read from position
 * to limit and their position is not moved.
 */
public final class Frames {
    private Frames() {
    }

    /**
     * A final unmasked data frame ({@code opcode} TEXT or BINARY, no RSV bits) for {@code payload}'s remaining
     * bytes, as an exactly sized array: the header first, the payload in its last {@code payload.remaining()} bytes.
     * A receiver that keeps each message in this form can send it back, or on, as it arrived, without copying or
     * encoding it again. {@code payload}'s position is not moved.
     *
     * @throws IllegalArgumentException for a control opcode or CONTINUATION
     */
    public static byte[] dataFrameArray(Opcode opcode, ByteBuffer payload) {
        if (opcode != Opcode.TEXT && opcode != Opcode.BINARY) {
            throw new IllegalArgumentException("not a data opcode: " + opcode);
        }
        return encode(true, 0, opcode, payload, false, 0).array(); // encode wraps an exactly sized array
    }

    /** A text message as one unmasked frame. */
    public static ByteBuffer text(CharSequence text) {
        int len = Utf8.encodedLength(text);
        int h = FrameHeaders.length(len, false);
        byte[] a = new byte[h + len];
        FrameHeaders.encode(a, 0, true, 0, Opcode.TEXT.code(), len, false, 0);
        Utf8.encode(text, a, h, len);
        return ByteBuffer.wrap(a);
    }

    /**
     * A text message as one unmasked frame, run through an extension's outbound transform first (the frame
     * carries the transform's RSV bits when it transformed the payload).
     */
    public static ByteBuffer text(CharSequence text, OutboundTransform transform) {
        if (transform == null) {
            return text(text);
        }
        return transformed(Opcode.TEXT, ByteBuffer.wrap(Utf8.encode(text)), transform);
    }

    /** A binary message as one unmasked frame. */
    public static ByteBuffer binary(ByteBuffer payload) {
        return frame(true, 0, Opcode.BINARY, payload);
    }

    /** A binary message as one unmasked frame. */
    public static ByteBuffer binary(byte[] payload) {
        return frame(true, 0, Opcode.BINARY, ByteBuffer.wrap(payload));
    }

    /** A binary message as one unmasked frame, run through an extension's outbound transform first. */
    public static ByteBuffer binary(ByteBuffer payload, OutboundTransform transform) {
        if (transform == null) {
            return binary(payload);
        }
        return transformed(Opcode.BINARY, payload, transform);
    }

    /**
     * A ping frame.
     *
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    public static ByteBuffer ping(ByteBuffer payload) {
        return frame(true, 0, Opcode.PING, payload);
    }

    /**
     * A pong frame (the answer to a ping carries the ping's payload, RFC 6455 §5.5.3).
     *
     * @throws IllegalArgumentException for a payload over 125 bytes
     */
    public static ByteBuffer pong(ByteBuffer payload) {
        return frame(true, 0, Opcode.PONG, payload);
    }

    /**
     * A server's close frame. {@link CloseCodes#NO_STATUS} gives a close frame without payload; otherwise the
     * code must be one a server may send ({@link CloseCodes#isSendable(int, Role)}) and the reason is trimmed to
     * 123 bytes on a code point boundary.
     *
     * @throws IllegalArgumentException for a code a server may not send
     */
    public static ByteBuffer close(CloseStatus status) {
        if (status.code() != CloseCodes.NO_STATUS && !CloseCodes.isSendable(status.code(), Role.SERVER)) {
            throw new IllegalArgumentException("a server may not send close code " + status.code());
        }
        return frame(true, 0, Opcode.CLOSE, closePayload(status));
    }

    /** A server's close frame with {@code code} and {@code reason}; see {@link #close(CloseStatus)}. */
    public static ByteBuffer close(int code, String reason) {
        return close(new CloseStatus(code, reason));
    }

    /**
     * The payload of a close frame for {@code status}: empty for {@link CloseCodes#NO_STATUS}, else the 2-byte code
     * and the trimmed UTF-8 reason. Checks only that the code may be on the wire at all.
     *
     * @throws IllegalArgumentException for a code that never goes on the wire
     */
    public static ByteBuffer closePayload(CloseStatus status) {
        int code = status.code();
        if (code == CloseCodes.NO_STATUS) {
            return ByteBuffer.allocate(0);
        }
        if (!CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent in a close frame");
        }
        String reason = status.trimmedReason();
        int len = Utf8.encodedLength(reason);
        byte[] a = new byte[2 + len];
        a[0] = (byte) (code >>> 8);
        a[1] = (byte) code;
        Utf8.encode(reason, a, 2);
        return ByteBuffer.wrap(a);
    }

    /**
     * One unmasked frame exactly as described (server role).
     *
     * @throws IllegalArgumentException for a control frame without FIN or over 125 bytes, or bad RSV bits
     */
    public static ByteBuffer frame(boolean fin, int rsv, Opcode opcode, ByteBuffer payload) {
        return encode(fin, rsv, opcode, payload, false, 0);
    }

    /**
     * One masked frame exactly as described (client role), with the given key.
     *
     * @param maskKey the four key bytes as a big-endian {@code int}
     * @throws IllegalArgumentException for a control frame without FIN or over 125 bytes, or bad RSV bits
     */
    public static ByteBuffer maskedFrame(boolean fin, int rsv, Opcode opcode, ByteBuffer payload, int maskKey) {
        return encode(fin, rsv, opcode, payload, true, maskKey);
    }

    /**
     * One frame as {@code sender} would send it: unmasked for a server, masked with a key from a
     * {@link java.security.SecureRandom} for a client.
     */
    public static ByteBuffer frame(Role sender, boolean fin, int rsv, Opcode opcode, ByteBuffer payload) {
        return sender == Role.CLIENT
                ? encode(fin, rsv, opcode, payload, true, MaskKeys.SECURE.getAsInt())
                : encode(fin, rsv, opcode, payload, false, 0);
    }

    /** A text message as one masked client frame, with the given key. */
    public static ByteBuffer maskedText(CharSequence text, int maskKey) {
        return maskedFrame(true, 0, Opcode.TEXT, ByteBuffer.wrap(Utf8.encode(text)), maskKey);
    }

    /** A close frame as a client sends it, masked with the given key; see {@link #closePayload(CloseStatus)}. */
    public static ByteBuffer maskedClose(CloseStatus status, int maskKey) {
        return maskedFrame(true, 0, Opcode.CLOSE, closePayload(status), maskKey);
    }

    private static ByteBuffer transformed(Opcode opcode, ByteBuffer payload, OutboundTransform transform) {
        ByteBuffer out = transform.transform(opcode, payload);
        if (out == null) {
            return frame(true, 0, opcode, payload);
        }
        return frame(true, transform.rsvBits(), opcode, out);
    }

    private static ByteBuffer encode(boolean fin, int rsv, Opcode opcode, ByteBuffer payload, boolean masked, int key) {
        Objects.requireNonNull(opcode, "opcode");
        Rsv.check(rsv);
        int len = payload.remaining();
        if (opcode.isControl()) {
            if (!fin) {
                throw new IllegalArgumentException("control frames cannot be fragmented (RFC 6455 §5.5)");
            }
            if (len > 125) {
                throw new IllegalArgumentException("control frame payload of " + len + " bytes: at most 125 (RFC 6455 §5.5)");
            }
        }
        int h = FrameHeaders.length(len, masked);
        byte[] a = new byte[h + len];
        FrameHeaders.encode(a, 0, fin, rsv, opcode.code(), len, masked, key);
        payload.get(payload.position(), a, h, len);
        if (masked) {
            Masker.maskArray(a, h, h + len, key);
        }
        return ByteBuffer.wrap(a);
    }
}
