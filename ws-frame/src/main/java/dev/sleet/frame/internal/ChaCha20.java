package dev.sleet.frame.internal;

/**
 * The ChaCha20 block function (RFC 8439 §2.3): a 256-bit key, a 32-bit block counter and a 96-bit nonce give 64
 * bytes of keystream, here as sixteen 32-bit words (word {@code i} is bytes {@code 4i..4i+3} of the serialized
 * block, little-endian). Twenty rounds, as the RFC specifies; nothing here is reduced or tuned.
 *
 * <pre>
 *   cccccccc  cccccccc  cccccccc  cccccccc      c = constant "expand 32-byte k"
 *   kkkkkkkk  kkkkkkkk  kkkkkkkk  kkkkkkkk      k = key
 *   kkkkkkkk  kkkkkkkk  kkkkkkkk  kkkkkkkk
 *   bbbbbbbb  nnnnnnnn  nnnnnnnn  nnnnnnnn      b = block count, n = nonce
 * </pre>
 *
 * <p>Stateless; the caller owns the arrays.
 */
public final class ChaCha20 {

    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    private ChaCha20() {
    }

    /**
     * Computes one block into {@code out}.
     *
     * @param key     eight key words (the key's bytes read little-endian, four at a time)
     * @param counter the block count
     * @param nonce   three nonce words (little-endian, as the key)
     * @param out     sixteen words of keystream
     */
    public static void block(int[] key, int counter, int[] nonce, int[] out) {
        int k0 = key[0], k1 = key[1], k2 = key[2], k3 = key[3];
        int k4 = key[4], k5 = key[5], k6 = key[6], k7 = key[7];
        int n0 = nonce[0], n1 = nonce[1], n2 = nonce[2];

        int x0 = C0, x1 = C1, x2 = C2, x3 = C3;
        int x4 = k0, x5 = k1, x6 = k2, x7 = k3;
        int x8 = k4, x9 = k5, x10 = k6, x11 = k7;
        int x12 = counter, x13 = n0, x14 = n1, x15 = n2;

        for (int i = 0; i < 10; i++) {
            // column rounds: QUARTERROUND(0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15)
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonal rounds: QUARTERROUND(0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14)
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }

        out[0] = x0 + C0;
        out[1] = x1 + C1;
        out[2] = x2 + C2;
        out[3] = x3 + C3;
        out[4] = x4 + k0;
        out[5] = x5 + k1;
        out[6] = x6 + k2;
        out[7] = x7 + k3;
        out[8] = x8 + k4;
        out[9] = x9 + k5;
        out[10] = x10 + k6;
        out[11] = x11 + k7;
        out[12] = x12 + counter;
        out[13] = x13 + n0;
        out[14] = x14 + n1;
        out[15] = x15 + n2;
    }
}
