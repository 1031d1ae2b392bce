package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Masking (RFC 6455 §5.3, PROTO-03): payload byte i is XORed with key byte (i mod 4). Checked against that
 * definition for every length up to 100, every starting phase, every buffer kind (heap, heap with an array
 * offset, direct big- and little-endian), and for payloads cut into random pieces that carry the phase along.
 */
class MaskerPhaseTest {

    static byte[] reference(byte[] data, int key, int phase) {
        byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        byte[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= k[(i + phase) & 3];
        }
        return out;
    }

    static ByteBuffer buffer(byte[] data, int kind) {
        return switch (kind) {
            case 0 -> ByteBuffer.wrap(data.clone());
            case 1 -> {
                byte[] big = new byte[data.length + 11];
                System.arraycopy(data, 0, big, 5, data.length);
                yield ByteBuffer.wrap(big, 5, data.length).slice();
            }
            case 2 -> ByteBuffer.allocateDirect(data.length).put(data).flip();
            default -> ByteBuffer.allocateDirect(data.length).order(ByteOrder.LITTLE_ENDIAN).put(data).flip();
        };
    }

    @Test
    void everyLengthPhaseAndBufferKind() {
        SplittableRandom r = new SplittableRandom(42);
        for (int len = 0; len <= 100; len++) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            int key = r.nextInt();
            for (int phase = 0; phase < 4; phase++) {
                byte[] expected = reference(data, key, phase);
                for (int kind = 0; kind < 4; kind++) {
                    ByteBuffer b = buffer(data, kind);
                    int after = Masker.mask(b, 0, len, key, phase);
                    assertEquals((phase + len) & 3, after);
                    assertArrayEquals(expected, Feed.bytes(b), "len " + len + " phase " + phase + " kind " + kind);
                }
            }
        }
    }

    @Test
    void piecesCarryThePhase() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 300; round++) {
            byte[] data = new byte[r.nextInt(1, 3000)];
            r.nextBytes(data);
            int key = r.nextInt();
            byte[] expected = reference(data, key, 0);
            ByteBuffer b = buffer(data, round & 3);
            Masker m = new Masker(key);
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, r.nextInt(0, 40));
                m.mask(b.duplicate().position(at).limit(at + n));
                at += n;
            }
            assertEquals(data.length & 3, m.offset());
            assertArrayEquals(expected, Feed.bytes(b), "round " + round);
        }
    }

    @Test
    void maskingTwiceRestoresAndZeroKeyIsIdentity() {
        byte[] data = "mask me twice, please".getBytes();
        ByteBuffer b = ByteBuffer.wrap(data.clone());
        Masker.mask(b, 0, data.length, 0xCAFEBABE, 3);
        Masker.mask(b, 0, data.length, 0xCAFEBABE, 3);
        assertArrayEquals(data, b.array());
        assertEquals((1 + data.length) & 3, Masker.mask(b, 0, data.length, 0, 1));
        assertArrayEquals(data, b.array());
    }

    @Test
    void onlyTheRangeIsTouched() {
        byte[] data = new byte[64];
        ByteBuffer b = ByteBuffer.wrap(data);
        Masker.mask(b, 10, 50, 0xFFFFFFFF, 0);
        for (int i = 0; i < 64; i++) {
            assertEquals(i >= 10 && i < 50 ? (byte) 0xFF : 0, data[i], "byte " + i);
        }
    }
}
