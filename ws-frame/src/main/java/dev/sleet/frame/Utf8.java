package dev.sleet.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 conversions between Java text and message payloads, with an ASCII fast path both ways.
 *
 * <p>Decoding expects bytes that {@link Utf8Validator} has accepted (a text message as delivered): it never
 * substitutes U+FFFD silently for bad input because bad input never gets this far. Encoding turns a lone
 * surrogate, which has no UTF-8 form, into U+FFFD so that a text frame Sleet sends is always valid UTF-8.
 */
public final class Utf8 {
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private Utf8() {
    }

    /**
     * Decodes {@code utf8} from its position to its limit into a {@code String}; the position is not moved.
     * Heap buffers are decoded straight from their array (the JDK's decoder copies runs of ASCII as a block).
     */
    public static String decode(ByteBuffer utf8) {
        int len = utf8.remaining();
        if (len == 0) {
            return "";
        }
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), len, StandardCharsets.UTF_8);
        }
        byte[] tmp = new byte[len];
        utf8.get(utf8.position(), tmp, 0, len);
        return new String(tmp, StandardCharsets.UTF_8);
    }

    /** How many bytes {@link #encode(CharSequence, byte[], int)} writes for {@code s}. */
    public static int encodedLength(CharSequence s) {
        int n = s.length();
        int i = 0;
        while (i < n && s.charAt(i) < 0x80) {
            i++;
        }
        long bytes = i;
        while (i < n) {
            char c = s.charAt(i++);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(s.charAt(i))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // BMP character, or a lone surrogate written as U+FFFD
            }
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("text too long for one buffer: " + bytes + " bytes of UTF-8");
        }
        return (int) bytes;
    }

    /** Encodes {@code s} into a new array. */
    public static byte[] encode(CharSequence s) {
        int length = encodedLength(s);
        byte[] out = new byte[length];
        encode(s, out, 0, length);
        return out;
    }

    /**
     * Encodes {@code s} into {@code dst} from index {@code off}, which must have room for
     * {@link #encodedLength(CharSequence)} bytes.
     *
     * @return the index after the last byte written
     */
    public static int encode(CharSequence s, byte[] dst, int off) {
        return encode(s, dst, off, -1);
    }

    /**
     * {@link #encode(CharSequence, byte[], int)} for a caller that already has the text's
     * {@link #encodedLength(CharSequence)} (-1 if not). When that equals the number of chars, every char is ASCII
     * (anything else takes two bytes or more), and a String is then copied by the JDK instead of walked char by
     * char.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII, which is checked
    static int encode(CharSequence s, byte[] dst, int off, int encodedLength) {
        int n = s.length();
        if (encodedLength == n && s instanceof String str) {
            str.getBytes(0, n, dst, off);
            return off + n;
        }
        int p = off;
        int i = 0;
        // ASCII run: one byte per char, no branches beyond the test.
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            dst[p++] = (byte) c;
        }
        while (i < n) {
            char c = s.charAt(i++);
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0b1100_0000 | (c >>> 6));
                dst[p++] = (byte) (0b1000_0000 | (c & 0b0011_1111));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(s.charAt(i))) {
                    int cp = Character.toCodePoint(c, s.charAt(i++));
                    dst[p++] = (byte) (0b1111_0000 | (cp >>> 18));
                    dst[p++] = (byte) (0b1000_0000 | ((cp >>> 12) & 0b0011_1111));
                    dst[p++] = (byte) (0b1000_0000 | ((cp >>> 6) & 0b0011_1111));
                    dst[p++] = (byte) (0b1000_0000 | (cp & 0b0011_1111));
                } else {
                    dst[p++] = REPLACEMENT[0];
                    dst[p++] = REPLACEMENT[1];
                    dst[p++] = REPLACEMENT[2];
                }
            } else {
                dst[p++] = (byte) (0b1110_0000 | (c >>> 12));
                dst[p++] = (byte) (0b1000_0000 | ((c >>> 6) & 0b0011_1111));
                dst[p++] = (byte) (0b1000_0000 | (c & 0b0011_1111));
            }
        }
        return p;
    }
}
