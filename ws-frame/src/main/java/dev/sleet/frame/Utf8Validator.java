package dev.sleet.frame;

import dev.sleet.frame.internal.ByteArrays;
import java.nio.ByteBuffer;

/**
 * Incremental UTF-8 validation (RFC 3629 §4, as RFC 6455 §5.6 and §8.1 require for text messages).
 *
 * <p>A deterministic automaton over byte classes: its state is one small {@code int} that survives from one
 * buffer to the next and from one fragment to the next, so a code point split anywhere is judged correctly and a
 * bad byte is reported as soon as it is seen, not at the end of the message. Overlong forms, UTF-16 surrogates
 * (U+D800–U+DFFF) and values above U+10FFFF are rejected by the second byte that makes them so. Between code
 * points, runs of ASCII are skipped a word at a time and a complete well-formed multi-byte sequence is accepted
 * in one step; the automaton handles the rest (sequences cut by a buffer boundary, and every error).
 *
 * <p>Not thread-safe; one per message stream. {@link #reset()} before each new message.
 */
public final class Utf8Validator {
    // Byte classes.
    private static final int ASCII = 0;      // 00..7F
    private static final int CONT_LO = 1;    // 80..8F
    private static final int CONT_MID = 2;   // 90..9F
    private static final int CONT_HI = 3;    // A0..BF
    private static final int BAD = 4;        // C0, C1, F5..FF: never in UTF-8
    private static final int LEAD2 = 5;      // C2..DF
    private static final int LEAD3_E0 = 6;   // E0: next byte A0..BF (else overlong)
    private static final int LEAD3 = 7;      // E1..EC, EE, EF
    private static final int LEAD3_ED = 8;   // ED: next byte 80..9F (else a surrogate)
    private static final int LEAD4_F0 = 9;   // F0: next byte 90..BF (else overlong)
    private static final int LEAD4 = 10;     // F1..F3
    private static final int LEAD4_F4 = 11;  // F4: next byte 80..8F (else above U+10FFFF)
    private static final int CLASSES = 12;

    // States, premultiplied by CLASSES so that state + class indexes the transition table.
    private static final int ACCEPT = 0;
    private static final int REJECT = CLASSES;
    private static final int NEED1 = 2 * CLASSES;
    private static final int NEED2 = 3 * CLASSES;
    private static final int NEED3 = 4 * CLASSES;
    private static final int AFTER_E0 = 5 * CLASSES;
    private static final int AFTER_ED = 6 * CLASSES;
    private static final int AFTER_F0 = 7 * CLASSES;
    private static final int AFTER_F4 = 8 * CLASSES;
    private static final int STATES = 9;

    private static final byte[] CLASS = new byte[256];
    private static final byte[] NEXT = new byte[STATES * CLASSES];

    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    static {
        for (int b = 0x00; b <= 0x7F; b++) CLASS[b] = ASCII;
        for (int b = 0x80; b <= 0x8F; b++) CLASS[b] = CONT_LO;
        for (int b = 0x90; b <= 0x9F; b++) CLASS[b] = CONT_MID;
        for (int b = 0xA0; b <= 0xBF; b++) CLASS[b] = CONT_HI;
        CLASS[0xC0] = BAD;
        CLASS[0xC1] = BAD;
        for (int b = 0xC2; b <= 0xDF; b++) CLASS[b] = LEAD2;
        CLASS[0xE0] = LEAD3_E0;
        for (int b = 0xE1; b <= 0xEF; b++) CLASS[b] = LEAD3;
        CLASS[0xED] = LEAD3_ED;
        CLASS[0xF0] = LEAD4_F0;
        for (int b = 0xF1; b <= 0xF3; b++) CLASS[b] = LEAD4;
        CLASS[0xF4] = LEAD4_F4;
        for (int b = 0xF5; b <= 0xFF; b++) CLASS[b] = BAD;

        java.util.Arrays.fill(NEXT, (byte) REJECT);
        on(ACCEPT, ASCII, ACCEPT);
        on(ACCEPT, LEAD2, NEED1);
        on(ACCEPT, LEAD3_E0, AFTER_E0);
        on(ACCEPT, LEAD3, NEED2);
        on(ACCEPT, LEAD3_ED, AFTER_ED);
        on(ACCEPT, LEAD4_F0, AFTER_F0);
        on(ACCEPT, LEAD4, NEED3);
        on(ACCEPT, LEAD4_F4, AFTER_F4);
        for (int c : new int[] {CONT_LO, CONT_MID, CONT_HI}) {
            on(NEED1, c, ACCEPT);
            on(NEED2, c, NEED1);
            on(NEED3, c, NEED2);
        }
        on(AFTER_E0, CONT_HI, NEED1);
        on(AFTER_ED, CONT_LO, NEED1);
        on(AFTER_ED, CONT_MID, NEED1);
        on(AFTER_F0, CONT_MID, NEED2);
        on(AFTER_F0, CONT_HI, NEED2);
        on(AFTER_F4, CONT_LO, NEED2);
    }

    private static void on(int state, int byteClass, int next) {
        NEXT[state + byteClass] = (byte) next;
    }

    private int state = ACCEPT;
    private long count;

    /** A validator at the start of a message. */
    public Utf8Validator() {
    }

    /** Forgets everything seen: ready for a new message. */
    public void reset() {
        state = ACCEPT;
        count = 0;
    }

    /** Whether the bytes seen so far end on a code point boundary (a message may end here). */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Whether a bad byte has been seen since the last {@link #reset()}. */
    public boolean isFailed() {
        return state == REJECT;
    }

    /** How many bytes have been accepted since the last {@link #reset()}. */
    public long count() {
        return count;
    }

    /**
     * Validates the bytes of {@code buf} from its position to its limit, continuing from the bytes seen before.
     * The position is not moved.
     *
     * @throws InvalidPayloadException (1007) at the first byte that cannot continue valid UTF-8
     */
    public void validate(ByteBuffer buf) {
        validate(buf, buf.position(), buf.limit());
    }

    /**
     * Validates {@code buf[from, to)} (absolute indexes), continuing from the bytes seen before.
     *
     * @throws InvalidPayloadException (1007) at the first byte that cannot continue valid UTF-8
     */
    public void validate(ByteBuffer buf, int from, int to) {
        if (state == REJECT) {
            throw new InvalidPayloadException("invalid UTF-8 (validation already failed)");
        }
        int r;
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            r = scan(buf.array(), base + from, base + to, state);
            if (r < 0) {
                fail(~r - base - from);
            }
        } else {
            r = scan(buf, from, to, state);
            if (r < 0) {
                fail(~r - from);
            }
        }
        state = r;
        count += to - from;
    }

    /**
     * Validates {@code a[from, to)}, continuing from the bytes seen before.
     *
     * @throws InvalidPayloadException (1007) at the first byte that cannot continue valid UTF-8
     */
    public void validate(byte[] a, int from, int to) {
        if (state == REJECT) {
            throw new InvalidPayloadException("invalid UTF-8 (validation already failed)");
        }
        int r = scan(a, from, to, state);
        if (r < 0) {
            fail(~r - from);
        }
        state = r;
        count += to - from;
    }

    /**
     * Declares the end of the message.
     *
     * @throws InvalidPayloadException (1007) when the message ends inside a code point
     */
    public void finish() {
        if (state != ACCEPT) {
            throw new InvalidPayloadException(state == REJECT
                    ? "invalid UTF-8 (validation already failed)"
                    : "text message ends inside a UTF-8 sequence (after byte " + count + ")");
        }
    }

    private void fail(long indexInChunk) {
        long at = count + indexInChunk;
        state = REJECT;
        throw new InvalidPayloadException("invalid UTF-8 at byte " + at + " of the text message");
    }

    /** Whether {@code buf} from its position to its limit is complete, valid UTF-8. The position is not moved. */
    public static boolean isValid(ByteBuffer buf) {
        int from = buf.position();
        int to = buf.limit();
        int r;
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            r = scan(buf.array(), base + from, base + to, ACCEPT);
        } else {
            r = scan(buf, from, to, ACCEPT);
        }
        return r == ACCEPT;
    }

    /** Whether {@code a[from, to)} is complete, valid UTF-8. */
    public static boolean isValid(byte[] a, int from, int to) {
        return scan(a, from, to, ACCEPT) == ACCEPT;
    }

    /**
     * Runs the automaton over {@code a[i, end)} from state {@code s}. Between code points, when the next byte is
     * ASCII, whole words are skipped while they hold only ASCII, and the first non-ASCII byte of a word is found
     * from its high bits without a byte loop.
     *
     * @return the state afterwards (never REJECT), or {@code ~index} of the rejected byte
     */
    private static int scan(byte[] a, int i, int end, int s) {
        while (i < end) {
            if (s == ACCEPT && a[i] >= 0) {
                int end16 = end - 15;
                while (i < end16 && ((ByteArrays.getLong(a, i) | ByteArrays.getLong(a, i + 8)) & HIGH_BITS) == 0) {
                    i += 16;
                }
                int end8 = end - 7;
                while (i < end8) {
                    long w = ByteArrays.getLong(a, i) & HIGH_BITS;
                    if (w != 0) {
                        i += firstHighByte(w);
                        break;
                    }
                    i += 8;
                }
                while (i < end && a[i] >= 0) {
                    i++;
                }
                if (i == end) {
                    return ACCEPT;
                }
            }
            if (s == ACCEPT) {
                int n = sequence(a[i] & 0xFF, i + 1 < end ? a[i + 1] & 0xFF : -1,
                        i + 2 < end ? a[i + 2] & 0xFF : -1, i + 3 < end ? a[i + 3] & 0xFF : -1);
                if (n > 0) {
                    i += n;
                    continue;
                }
            }
            s = NEXT[s + CLASS[a[i] & 0xFF]];
            if (s == REJECT) {
                return ~i;
            }
            i++;
        }
        return s;
    }

    private static int scan(ByteBuffer buf, int i, int end, int s) {
        while (i < end) {
            if (s == ACCEPT && buf.get(i) >= 0) {
                int end16 = end - 15;
                while (i < end16 && ((ByteArrays.getLong(buf, i) | ByteArrays.getLong(buf, i + 8)) & HIGH_BITS) == 0) {
                    i += 16;
                }
                int end8 = end - 7;
                while (i < end8) {
                    long w = ByteArrays.getLong(buf, i) & HIGH_BITS;
                    if (w != 0) {
                        i += firstHighByte(w);
                        break;
                    }
                    i += 8;
                }
                while (i < end && buf.get(i) >= 0) {
                    i++;
                }
                if (i == end) {
                    return ACCEPT;
                }
            }
            if (s == ACCEPT) {
                int n = sequence(buf.get(i) & 0xFF, i + 1 < end ? buf.get(i + 1) & 0xFF : -1,
                        i + 2 < end ? buf.get(i + 2) & 0xFF : -1, i + 3 < end ? buf.get(i + 3) & 0xFF : -1);
                if (n > 0) {
                    i += n;
                    continue;
                }
            }
            s = NEXT[s + CLASS[buf.get(i) & 0xFF]];
            if (s == REJECT) {
                return ~i;
            }
            i++;
        }
        return s;
    }

    /**
     * The length of the complete, valid multi-byte sequence that starts with {@code b0}, or 0 when it is not one
     * (invalid, or cut off: a byte of -1 is past the end). Checks the same ranges as the automaton (RFC 3629 §4)
     * in one step; whatever it declines, the automaton handles and reports byte by byte.
     */
    private static int sequence(int b0, int b1, int b2, int b3) {
        if (b0 < 0xE0) {
            return b0 >= 0xC2 && (b1 & 0b1100_0000) == 0b1000_0000 ? 2 : 0;
        }
        if (b0 < 0xF0) {
            int lo = b0 == 0xE0 ? 0xA0 : 0x80;
            int hi = b0 == 0xED ? 0x9F : 0xBF;
            return b1 >= lo && b1 <= hi && (b2 & 0b1100_0000) == 0b1000_0000 ? 3 : 0;
        }
        if (b0 <= 0xF4) {
            int lo = b0 == 0xF0 ? 0x90 : 0x80;
            int hi = b0 == 0xF4 ? 0x8F : 0xBF;
            return b1 >= lo && b1 <= hi && (b2 & 0b1100_0000) == 0b1000_0000 && (b3 & 0b1100_0000) == 0b1000_0000 ? 4 : 0;
        }
        return 0;
    }

    /** Index (0–7, in memory order) of the first byte whose high bit is set in a native-order word of high bits. */
    private static int firstHighByte(long highBits) {
        return (ByteArrays.LITTLE_ENDIAN ? Long.numberOfTrailingZeros(highBits) : Long.numberOfLeadingZeros(highBits)) >>> 3;
    }
}
