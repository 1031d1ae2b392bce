package dev.sleet.frame;

import dev.sleet.frame.internal.ChaCha20;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The block function behind {@link MaskKeySource} is ChaCha20 as RFC 8439 defines it: the RFC's own test vector
 * (§2.3.2), and the JDK's {@code ChaCha20} cipher's keystream for seeded random keys, nonces and counters.
 */
class MaskKeySourceChaCha20Test {

    /** RFC 8439 §2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, block count 1. */
    @Test
    void rfc8439BlockTestVector() {
        byte[] keyBytes = new byte[32];
        for (int i = 0; i < 32; i++) {
            keyBytes[i] = (byte) i;
        }
        byte[] nonceBytes = HexFormat.of().parseHex("000000090000004a00000000");
        int[] out = new int[16];
        ChaCha20.block(words(keyBytes), 1, words(nonceBytes), out);
        byte[] expected = HexFormat.of().parseHex(
                "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                        + "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
        assertArrayEquals(expected, bytes(out));
    }

    /** The keystream of the JDK's cipher (encrypting zeros) equals the block function's output, block by block. */
    @Test
    void matchesTheJdkCipherForRandomKeysNoncesAndCounters() throws Exception {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            byte[] keyBytes = new byte[32];
            byte[] nonceBytes = new byte[12];
            random.nextBytes(keyBytes);
            random.nextBytes(nonceBytes);
            int counter = random.nextInt(1 << 30);
            int blocks = 1 + random.nextInt(4);
            Cipher jdk = Cipher.getInstance("ChaCha20");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "ChaCha20"),
                    new ChaCha20ParameterSpec(nonceBytes, counter));
            byte[] stream = jdk.doFinal(new byte[64 * blocks]);
            int[] key = words(keyBytes);
            int[] nonce = words(nonceBytes);
            int[] out = new int[16];
            for (int b = 0; b < blocks; b++) {
                ChaCha20.block(key, counter + b, nonce, out);
                byte[] want = java.util.Arrays.copyOfRange(stream, 64 * b, 64 * b + 64);
                assertArrayEquals(want, bytes(out), "seed " + seed + ", round " + round + ", block " + b);
            }
        }
    }

    static int[] words(byte[] b) {
        int[] w = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(w);
        return w;
    }

    static byte[] bytes(int[] words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(words);
        return b.array();
    }
}
