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
        if (s instanceof String str) {
            return encodedLength(str);
        }
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

    /*
     * Strings are read a window at a time into a char[] (String.getChars: a block copy, or the JDK's Latin-1 inflation
     * intrinsic), and the loops run over that array: no per-char coder check or bounds check as with charAt, and the
     * length pass is a branch-free sum the JIT can vectorize. A platform thread keeps one window (4 KiB); a virtual
     * thread, which may be one of millions, takes a fresh one sized to the text.
     */
    static final int WINDOW = 2048;
    private static final ThreadLocal<char[]> WINDOWS = ThreadLocal.withInitial(() -> new char[WINDOW]);

    private static char[] window(int n) {
        return Thread.currentThread().isVirtual() ? new char[Math.min(n, WINDOW)] : WINDOWS.get();
    }

    /** The end of the window that starts at {@code from}: never between the two halves of a surrogate pair. */
    private static int windowEnd(String s, int from, int n) {
        int end = Math.min(n, from + WINDOW);
        if (end < n && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static int encodedLength(String s) {
        int n = s.length();
        if (n == 0) {
            return 0;
        }
        char[] w = window(n);
        long bytes = 0;
        for (int from = 0; from < n; ) {
            int end = windowEnd(s, from, n);
            s.getChars(from, end, w, 0);
            bytes += encodedLength(w, end - from);
            from = end;
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("text too long for one buffer: " + bytes + " bytes of UTF-8");
        }
        return (int) bytes;
    }

    /**
     * UTF-8 length of {@code w[0..n)}, which does not end in the first half of a pair: one byte per char, one more
     * from U+0080, one more from U+0800 (a surrogate counts 3, a lone one is written as U+FFFD, 3 bytes); a valid
     * pair is 4 bytes, not 6, so each one found takes 2 off.
     */
    static int encodedLength(char[] w, int n) {
        int bytes = n;
        int surrogates = 0;
        for (int i = 0; i < n; i++) {
            int c = w[i];
            bytes += ((0x7F - c) >>> 31) + ((0x7FF - c) >>> 31);
            surrogates += ((c - 0xD800) >>> 31) ^ ((c - 0xE000) >>> 31); // 1 when 0xD800 <= c < 0xE000
        }
        if (surrogates > 0) {
            for (int i = 0; i + 1 < n; i++) {
                if (Character.isHighSurrogate(w[i]) && Character.isLowSurrogate(w[i + 1])) {
                    bytes -= 2;
                    i++;
                }
            }
        }
        return bytes;
    }

    /** Encodes {@code w[0..n)}, which does not end in the first half of a pair, from {@code dst[p]}; returns the end. */
    static int encode(char[] w, int n, byte[] dst, int p) {
        int i = 0;
        for (; i < n; i++) { // ASCII run
            char c = w[i];
            if (c >= 0x80) {
                break;
            }
            dst[p++] = (byte) c;
        }
        while (i < n) {
            char c = w[i++];
            if (c < 0x80) {
                dst[p++] = (byte) c;
            } else if (c < 0x800) {
                dst[p++] = (byte) (0b1100_0000 | (c >>> 6));
                dst[p++] = (byte) (0b1000_0000 | (c & 0b0011_1111));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i < n && Character.isLowSurrogate(w[i])) {
                    int cp = Character.toCodePoint(c, w[i++]);
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

    /**
     * {@code s} as one unmasked frame whose header {@code header} writes (given the array, the payload length and
     * where the payload starts): one window copy of the text when it fits in one, one exactly sized array.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for ASCII, which is checked
    static byte[] frame(String s, HeaderWriter header) {
        int n = s.length();
        if (n > WINDOW) {
            int len = encodedLength(s);
            int h = header.length(len);
            byte[] a = new byte[h + len];
            header.write(a, len);
            encode(s, a, h, len);
            return a;
        }
        char[] w = window(n);
        s.getChars(0, n, w, 0);
        int len = encodedLength(w, n);
        int h = header.length(len);
        byte[] a = new byte[h + len];
        header.write(a, len);
        if (len == n) {
            s.getBytes(0, n, a, h); // all ASCII: the JDK copies (Latin-1) bytes as a block
        } else {
            encode(w, n, a, h);
        }
        return a;
    }

    /** Writes a frame header in front of a payload (see {@link #frame(String, HeaderWriter)}). */
    interface HeaderWriter {
        /** The header length for a payload of {@code payloadLength} bytes. */
        int length(int payloadLength);

        /** Writes the header at index 0 of {@code frame}. */
        void write(byte[] frame, int payloadLength);
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
        if (s instanceof String str) {
            char[] w = window(n);
            int p = off;
            for (int from = 0; from < n; ) {
                int end = windowEnd(str, from, n);
                str.getChars(from, end, w, 0);
                p = encode(w, end - from, dst, p);
                from = end;
            }
            return p;
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
