package dev.sleet.frame.internal;

/** Encodes RFC 6455 §5.2 frame headers (2–14 bytes) into a byte array. */
public final class FrameHeaders {
    /** The longest header: 2 + 8 (64-bit length) + 4 (masking key). */
    public static final int MAX_LENGTH = 14;

    private FrameHeaders() {
    }

    /** The header length for a payload of {@code payloadLength} bytes, with or without a masking key. */
    public static int length(long payloadLength, boolean masked) {
        int n = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? n + 4 : n;
    }

    /**
     * Writes a header at {@code dst[off]}, using the shortest length encoding.
     *
     * @param rsv the RSV bits, {@code 0b000}–{@code 0b111}
     * @param opcode the 4-bit opcode
     * @param masked whether to set MASK and write {@code maskKey} (big-endian) after the length
     * @return the header length
     */
    public static int encode(byte[] dst, int off, boolean fin, int rsv, int opcode, long payloadLength,
                             boolean masked, int maskKey) {
        int p = off;
        dst[p++] = (byte) ((fin ? 0b1000_0000 : 0) | (rsv << 4) | opcode);
        int maskBit = masked ? 0b1000_0000 : 0;
        if (payloadLength < 126) {
            dst[p++] = (byte) (maskBit | (int) payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            dst[p++] = (byte) (maskBit | 126);
            dst[p++] = (byte) (payloadLength >>> 8);
            dst[p++] = (byte) payloadLength;
        } else {
            dst[p++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                dst[p++] = (byte) (payloadLength >>> shift);
            }
        }
        if (masked) {
            dst[p++] = (byte) (maskKey >>> 24);
            dst[p++] = (byte) (maskKey >>> 16);
            dst[p++] = (byte) (maskKey >>> 8);
            dst[p++] = (byte) maskKey;
        }
        return p - off;
    }
}
