package dev.sleet.frame;

import java.nio.ByteBuffer;

/**
 * The content of a close frame: a status code and a reason (RFC 6455 §5.5.1, §7.1.5, §7.1.6).
 *
 * <p>On the wire the payload is empty, or a 2-byte big-endian code followed by a UTF-8 reason; since a control
 * frame holds at most 125 bytes, the reason holds at most {@value #MAX_REASON_BYTES} bytes. A close frame with
 * an empty payload is reported as {@link CloseCodes#NO_STATUS} with an empty reason.
 *
 * <p>This record accepts any code from 0 to 65535 so it can also report local conditions (1005, 1006, 1015);
 * {@link #decode(ByteBuffer)} is the receive-side check and {@link Frames#close(CloseStatus)} the send-side one.
 *
 * @param code the status code
 * @param reason the reason, never {@code null} (a {@code null} argument becomes {@code ""})
 */
public record CloseStatus(int code, String reason) {
    /** The most bytes of UTF-8 a close reason may hold on the wire: 125 minus the 2-byte code. */
    public static final int MAX_REASON_BYTES = 123;

    /** 1000 with no reason. */
    public static final CloseStatus NORMAL = new CloseStatus(CloseCodes.NORMAL, "");
    /** 1001 with no reason. */
    public static final CloseStatus GOING_AWAY = new CloseStatus(CloseCodes.GOING_AWAY, "");
    /** 1005: what a close frame without a payload reports. */
    public static final CloseStatus NO_STATUS = new CloseStatus(CloseCodes.NO_STATUS, "");
    /** 1006: what a connection lost without a close frame reports. */
    public static final CloseStatus ABNORMAL = new CloseStatus(CloseCodes.ABNORMAL, "");

    /**
     * A status with {@code code} and {@code reason} ({@code null} reads as empty).
     *
     * @throws IllegalArgumentException when {@code code} is not in 0–65535
     */
    public CloseStatus {
        if ((code & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("close code out of range 0-65535: " + code);
        }
        if (reason == null) {
            reason = "";
        }
    }

    /** A status with no reason. */
    public static CloseStatus of(int code) {
        return new CloseStatus(code, "");
    }

    /** A status with a reason. */
    public static CloseStatus of(int code, String reason) {
        return new CloseStatus(code, reason);
    }

    /**
     * Decodes a received close frame's payload (position to limit; the position is not moved) and checks it as
     * RFC 6455 §5.5.1 and §7.4 require.
     *
     * @return the status; {@link #NO_STATUS} for an empty payload
     * @throws ProtocolException (1002) for a 1-byte payload, a code that may not be on the wire, a reason that is
     *     not valid UTF-8, or a payload over 125 bytes
     */
    public static CloseStatus decode(ByteBuffer payload) {
        int len = payload.remaining();
        if (len == 0) {
            return NO_STATUS;
        }
        if (len == 1) {
            throw new ProtocolException("close frame payload of 1 byte: a status code needs 2");
        }
        if (len > 125) {
            throw new ProtocolException("close frame payload of " + len + " bytes: control frames hold at most 125");
        }
        int p = payload.position();
        int code = (payload.get(p) & 0xFF) << 8 | (payload.get(p + 1) & 0xFF);
        if (!CloseCodes.isValidOnWire(code)) {
            throw new ProtocolException("close code " + code + " may not be sent in a close frame");
        }
        if (len == 2) {
            return new CloseStatus(code, "");
        }
        ByteBuffer reason = payload.duplicate().position(p + 2);
        if (!Utf8Validator.isValid(reason)) {
            throw new ProtocolException("close reason is not valid UTF-8");
        }
        return new CloseStatus(code, Utf8.decode(reason));
    }

    /**
     * The reason cut to at most {@value #MAX_REASON_BYTES} bytes of UTF-8, on a code point boundary, as it will be
     * sent.
     */
    public String trimmedReason() {
        int max = MAX_REASON_BYTES;
        if (reason.length() * 3 <= max || Utf8.encodedLength(reason) <= max) {
            return reason;
        }
        int bytes = 0;
        int i = 0;
        while (i < reason.length()) {
            char c = reason.charAt(i);
            int n;
            int chars = 1;
            if (c < 0x80) {
                n = 1;
            } else if (c < 0x800) {
                n = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < reason.length()
                    && Character.isLowSurrogate(reason.charAt(i + 1))) {
                n = 4;
                chars = 2;
            } else {
                n = 3; // a BMP character, or a lone surrogate that the encoder replaces with U+FFFD
            }
            if (bytes + n > max) {
                break;
            }
            bytes += n;
            i += chars;
        }
        return reason.substring(0, i);
    }

    /** The reason's UTF-8 bytes as they go on the wire (trimmed, see {@link #trimmedReason()}). */
    byte[] reasonBytes() {
        return Utf8.encode(trimmedReason());
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? code + " " + CloseCodes.name(code) : code + " " + CloseCodes.name(code) + " \"" + reason + '"';
    }
}
