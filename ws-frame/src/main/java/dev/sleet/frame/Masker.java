package dev.sleet.frame;

import dev.sleet.frame.internal.ByteArrays;
import java.nio.ByteBuffer;

/**
 * Client-to-server masking, RFC 6455 §5.3: byte {@code i} of the payload is XORed with byte {@code i mod 4} of
 * the 32-bit masking key. Masking and unmasking are the same operation.
 *
 * <p>The work is done in place, eight bytes at a time, with the key spread into a precomputed {@code long} and
 * rotated to the current phase, so a payload split across any number of buffers is masked by calls that carry
 * the phase ({@code offset}, 0–3) from one to the next. Heap buffers are accessed through their array, direct
 * buffers through a {@code long} view in native byte order (the buffer's own {@code order()} does not matter).
 *
 * <p>An instance keeps the key and phase for callers that prefer state to a returned offset; the static
 * {@link #mask(ByteBuffer, int, int, int, int)} is the primitive.
 */
public final class Masker {
    private int key;
    private int offset;

    /** A masker for {@code key}, at phase 0. */
    public Masker(int key) {
        this.key = key;
    }

    /** Starts a new payload with {@code key}, at phase 0. */
    public void reset(int key) {
        this.key = key;
        this.offset = 0;
    }

    /** The masking key: the four key bytes as a big-endian {@code int}. */
    public int key() {
        return key;
    }

    /** How many payload bytes have been masked so far, modulo 4. */
    public int offset() {
        return offset;
    }

    /** Masks {@code buf} from its position to its limit in place and advances the phase; the position is not moved. */
    public void mask(ByteBuffer buf) {
        offset = mask(buf, buf.position(), buf.limit(), key, offset);
    }

    /**
     * XORs bytes {@code [from, to)} of {@code buf} in place with the masking key, starting at key byte
     * {@code offset}.
     *
     * @param buf a writable buffer
     * @param from first index (absolute)
     * @param to end index (absolute, exclusive)
     * @param key the four key bytes as a big-endian {@code int} (first key byte in bits 31–24)
     * @param offset the phase: how many bytes of this payload came before {@code from}, modulo 4
     * @return the phase after {@code to}, for the next call
     */
    public static int mask(ByteBuffer buf, int from, int to, int key, int offset) {
        if (from >= to || key == 0) {
            return (offset + Math.max(0, to - from)) & 0b11;
        }
        int k = Integer.rotateLeft(key, offset << 3);
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            maskArray(buf.array(), base + from, base + to, k);
        } else {
            maskBuffer(buf, from, to, k);
        }
        return (offset + (to - from)) & 0b11;
    }

    /**
     * XORs {@code a[from, to)} with the masking key at phase 0 ({@code key} already rotated to the phase of
     * {@code a[from]}).
     */
    public static void maskArray(byte[] a, int from, int to, int key) {
        long be = (key & 0xFFFF_FFFFL) | ((long) key << 32);
        long m = ByteArrays.LITTLE_ENDIAN ? Long.reverseBytes(be) : be;
        int i = from;
        int end32 = to - 31;
        for (; i < end32; i += 32) {
            ByteArrays.putLong(a, i, ByteArrays.getLong(a, i) ^ m);
            ByteArrays.putLong(a, i + 8, ByteArrays.getLong(a, i + 8) ^ m);
            ByteArrays.putLong(a, i + 16, ByteArrays.getLong(a, i + 16) ^ m);
            ByteArrays.putLong(a, i + 24, ByteArrays.getLong(a, i + 24) ^ m);
        }
        int end8 = to - 7;
        for (; i < end8; i += 8) {
            ByteArrays.putLong(a, i, ByteArrays.getLong(a, i) ^ m);
        }
        // Fewer than 8 bytes left. Whole longs and ints leave the key phase unchanged.
        if (i + 4 <= to) {
            int ki = ByteArrays.LITTLE_ENDIAN ? Integer.reverseBytes(key) : key;
            ByteArrays.INT.set(a, i, (int) ByteArrays.INT.get(a, i) ^ ki);
            i += 4;
        }
        int k = key;
        for (; i < to; i++) {
            a[i] ^= (byte) (k >>> 24);
            k = Integer.rotateLeft(k, 8);
        }
    }

    private static void maskBuffer(ByteBuffer buf, int from, int to, int key) {
        long be = (key & 0xFFFF_FFFFL) | ((long) key << 32);
        long m = ByteArrays.LITTLE_ENDIAN ? Long.reverseBytes(be) : be;
        int i = from;
        int end32 = to - 31;
        for (; i < end32; i += 32) {
            ByteArrays.putLong(buf, i, ByteArrays.getLong(buf, i) ^ m);
            ByteArrays.putLong(buf, i + 8, ByteArrays.getLong(buf, i + 8) ^ m);
            ByteArrays.putLong(buf, i + 16, ByteArrays.getLong(buf, i + 16) ^ m);
            ByteArrays.putLong(buf, i + 24, ByteArrays.getLong(buf, i + 24) ^ m);
        }
        int end8 = to - 7;
        for (; i < end8; i += 8) {
            ByteArrays.putLong(buf, i, ByteArrays.getLong(buf, i) ^ m);
        }
        if (i + 4 <= to) {
            int ki = ByteArrays.LITTLE_ENDIAN ? Integer.reverseBytes(key) : key;
            ByteArrays.BUFFER_INT.set(buf, i, (int) ByteArrays.BUFFER_INT.get(buf, i) ^ ki);
            i += 4;
        }
        int k = key;
        for (; i < to; i++) {
            buf.put(i, (byte) (buf.get(i) ^ (k >>> 24)));
            k = Integer.rotateLeft(k, 8);
        }
    }
}
