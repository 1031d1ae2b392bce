package dev.sleet.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Test helper: feeds bytes to a parser in chunks, each in a buffer of a varying kind. */
final class Feed {
    private Feed() {
    }

    /** Feeds all of {@code input} in one heap buffer. */
    static void whole(FrameParser parser, FrameListener listener, byte[] input) {
        ByteBuffer b = ByteBuffer.wrap(input.clone());
        parser.parse(b, listener);
        if (b.hasRemaining()) {
            throw new AssertionError("parser left " + b.remaining() + " bytes unconsumed");
        }
    }

    /** Feeds {@code input} one chunk of {@code size} bytes at a time (the last may be shorter). */
    static void chunks(FrameParser parser, FrameListener listener, byte[] input, int size) {
        for (int i = 0; i < input.length; i += size) {
            one(parser, listener, input, i, Math.min(size, input.length - i), i / size % 4);
        }
    }

    /** Feeds {@code input} cut into two at {@code cut}. */
    static void cutAt(FrameParser parser, FrameListener listener, byte[] input, int cut) {
        one(parser, listener, input, 0, cut, 0);
        one(parser, listener, input, cut, input.length - cut, 1);
    }

    /** Feeds {@code input} in chunks of random sizes from 0 (an empty buffer) to {@code maxChunk}. */
    static void random(FrameParser parser, FrameListener listener, byte[] input, SplittableRandom random, int maxChunk) {
        int i = 0;
        while (i < input.length) {
            int n = Math.min(random.nextInt(maxChunk + 1), input.length - i);
            one(parser, listener, input, i, n, random.nextInt(4));
            i += n;
        }
    }

    /**
     * Feeds {@code input[off, off+len)} as one buffer of a kind chosen by {@code kind}: 0 heap, 1 heap slice with
     * an array offset, 2 direct, 3 little-endian direct. The bytes are copied, so unmasking never touches the input.
     */
    static void one(FrameParser parser, FrameListener listener, byte[] input, int off, int len, int kind) {
        ByteBuffer b = switch (kind) {
            case 0 -> ByteBuffer.wrap(java.util.Arrays.copyOfRange(input, off, off + len));
            case 1 -> {
                byte[] big = new byte[len + 7];
                System.arraycopy(input, off, big, 5, len);
                yield ByteBuffer.wrap(big, 3, len + 2).slice().position(2);
            }
            case 2 -> direct(len).put(input, off, len).flip();
            default -> direct(len).order(ByteOrder.LITTLE_ENDIAN).put(input, off, len).flip();
        };
        parser.parse(b, listener);
        if (b.hasRemaining()) {
            throw new AssertionError("parser left " + b.remaining() + " bytes unconsumed");
        }
    }

    private static final ThreadLocal<ByteBuffer> DIRECT = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 16));

    /** A direct buffer of {@code len} bytes, reusing one per thread (the parser never keeps a buffer). */
    private static ByteBuffer direct(int len) {
        ByteBuffer d = DIRECT.get();
        if (d.capacity() < len) {
            d = ByteBuffer.allocateDirect(Math.max(len, d.capacity() * 2));
            DIRECT.set(d);
        }
        return d.duplicate().clear().limit(len).slice();
    }

    /** Concatenates byte buffers (each from position to limit). */
    static byte[] concat(Iterable<ByteBuffer> frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ByteBuffer f : frames) {
            byte[] a = new byte[f.remaining()];
            f.duplicate().get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    /** Concatenates byte arrays. */
    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The bytes of {@code b} from position to limit. */
    static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
