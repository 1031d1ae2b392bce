package dev.sleet.deflate;

import java.util.Arrays;

/**
 * A small DEFLATE decoder (RFC 1951) for tests that, unlike zlib, enforces a window: every back-reference must reach
 * no further than {@code 2^windowBits} bytes and no further than the data decoded so far (this message's, plus the
 * earlier messages' when context is kept). It decodes permessage-deflate payloads (RFC 7692 §7.2.2: the
 * {@code 00 00 ff ff} tail is appended here) and records the longest distance used. Independent of zlib, so it also
 * checks that Sleet's output is plain DEFLATE.
 */
final class StrictInflater {
    private static final int[] LEN_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67,
        83, 99, 115, 131, 163, 195, 227, 258};
    private static final int[] LEN_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5,
        5, 5, 0};
    private static final int[] DIST_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
        769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    private static final int[] DIST_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
        11, 11, 12, 12, 13, 13};
    private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

    private final int window;
    private final boolean keepContext;
    private byte[] history = new byte[0];
    int longestDistance;

    StrictInflater(int windowBits, boolean keepContext) {
        this.window = 1 << windowBits;
        this.keepContext = keepContext;
    }

    /** Decodes one message's payload (tail not included). */
    byte[] decode(byte[] payload) {
        byte[] in = Arrays.copyOf(payload, payload.length + 4);
        in[payload.length + 2] = (byte) 0xff;
        in[payload.length + 3] = (byte) 0xff;
        Bits bits = new Bits(in);
        Out out = new Out(history);
        boolean last = false;
        while (!last && !bits.atEnd()) {
            last = bits.get(1) == 1;
            int type = bits.get(2);
            switch (type) {
                case 0 -> stored(bits, out);
                case 1 -> codes(bits, out, Huffman.FIXED_LIT, Huffman.FIXED_DIST);
                case 2 -> dynamic(bits, out);
                default -> throw new IllegalArgumentException("reserved block type 3");
            }
        }
        byte[] message = out.message();
        history = keepContext ? out.tail(32768) : new byte[0];
        return message;
    }

    private void stored(Bits bits, Out out) {
        bits.align();
        int len = bits.get(16);
        int nlen = bits.get(16);
        if ((len ^ 0xffff) != nlen) {
            throw new IllegalArgumentException("stored block length check failed");
        }
        for (int i = 0; i < len; i++) {
            out.put(bits.get(8));
        }
    }

    private void dynamic(Bits bits, Out out) {
        int hlit = bits.get(5) + 257;
        int hdist = bits.get(5) + 1;
        int hclen = bits.get(4) + 4;
        int[] clLens = new int[19];
        for (int i = 0; i < hclen; i++) {
            clLens[CL_ORDER[i]] = bits.get(3);
        }
        Huffman cl = new Huffman(clLens);
        int[] lens = new int[hlit + hdist];
        for (int i = 0; i < lens.length; ) {
            int sym = cl.decode(bits);
            if (sym < 16) {
                lens[i++] = sym;
            } else {
                int repeat;
                int value = 0;
                if (sym == 16) {
                    if (i == 0) {
                        throw new IllegalArgumentException("repeat with no previous length");
                    }
                    value = lens[i - 1];
                    repeat = 3 + bits.get(2);
                } else if (sym == 17) {
                    repeat = 3 + bits.get(3);
                } else {
                    repeat = 11 + bits.get(7);
                }
                if (i + repeat > lens.length) {
                    throw new IllegalArgumentException("code lengths overflow");
                }
                Arrays.fill(lens, i, i + repeat, value);
                i += repeat;
            }
        }
        codes(bits, out, new Huffman(Arrays.copyOf(lens, hlit)), new Huffman(Arrays.copyOfRange(lens, hlit, lens.length)));
    }

    private void codes(Bits bits, Out out, Huffman lit, Huffman dist) {
        while (true) {
            int sym = lit.decode(bits);
            if (sym < 256) {
                out.put(sym);
            } else if (sym == 256) {
                return;
            } else {
                sym -= 257;
                if (sym >= 29) {
                    throw new IllegalArgumentException("bad length symbol");
                }
                int len = LEN_BASE[sym] + bits.get(LEN_EXTRA[sym]);
                int ds = dist.decode(bits);
                if (ds >= 30) {
                    throw new IllegalArgumentException("bad distance symbol");
                }
                int d = DIST_BASE[ds] + bits.get(DIST_EXTRA[ds]);
                if (d > window) {
                    throw new IllegalArgumentException("distance " + d + " beyond the window of " + window);
                }
                longestDistance = Math.max(longestDistance, d);
                out.copy(d, len);
            }
        }
    }

    /** LSB-first bit reader. */
    private static final class Bits {
        final byte[] in;
        int pos;
        int bitBuf;
        int bitCount;

        Bits(byte[] in) {
            this.in = in;
        }

        int get(int n) {
            while (bitCount < n) {
                if (pos >= in.length) {
                    throw new IllegalArgumentException("input ends inside a block");
                }
                bitBuf |= (in[pos++] & 0xff) << bitCount;
                bitCount += 8;
            }
            int v = bitBuf & ((1 << n) - 1);
            bitBuf >>>= n;
            bitCount -= n;
            return v;
        }

        void align() {
            bitBuf = 0;
            bitCount = 0;
        }

        boolean atEnd() {
            return pos >= in.length && bitCount < 8;
        }
    }

    /** Output after the kept history; references may reach into the history. */
    private static final class Out {
        byte[] buf;
        int size;
        final int start;

        Out(byte[] history) {
            buf = Arrays.copyOf(history, Math.max(1024, history.length * 2));
            size = history.length;
            start = history.length;
        }

        void put(int b) {
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        void copy(int distance, int len) {
            if (distance > size) {
                throw new IllegalArgumentException("distance " + distance + " reaches before the start");
            }
            for (int i = 0; i < len; i++) {
                put(buf[size - distance]);
            }
        }

        byte[] message() {
            return Arrays.copyOfRange(buf, start, size);
        }

        byte[] tail(int n) {
            return Arrays.copyOfRange(buf, Math.max(0, size - n), size);
        }
    }

    /** Canonical Huffman decoding (RFC 1951 §3.2.2), one bit at a time. */
    private static final class Huffman {
        static final Huffman FIXED_LIT;
        static final Huffman FIXED_DIST;

        static {
            int[] l = new int[288];
            Arrays.fill(l, 0, 144, 8);
            Arrays.fill(l, 144, 256, 9);
            Arrays.fill(l, 256, 280, 7);
            Arrays.fill(l, 280, 288, 8);
            FIXED_LIT = new Huffman(l);
            int[] d = new int[30];
            Arrays.fill(d, 5);
            FIXED_DIST = new Huffman(d);
        }

        final int[] count = new int[16];
        final int[] symbols;

        Huffman(int[] lengths) {
            for (int len : lengths) {
                count[len]++;
            }
            count[0] = 0;
            int[] offs = new int[16];
            for (int i = 1; i < 16; i++) {
                offs[i] = offs[i - 1] + count[i - 1];
            }
            symbols = new int[lengths.length];
            for (int s = 0; s < lengths.length; s++) {
                if (lengths[s] != 0) {
                    symbols[offs[lengths[s]]++] = s;
                }
            }
        }

        int decode(Bits bits) {
            int code = 0;
            int first = 0;
            int index = 0;
            for (int len = 1; len < 16; len++) {
                code |= bits.get(1);
                int c = count[len];
                if (code - c < first) {
                    return symbols[index + (code - first)];
                }
                index += c;
                first += c;
                first <<= 1;
                code <<= 1;
            }
            throw new IllegalArgumentException("no Huffman code matches");
        }
    }
}
