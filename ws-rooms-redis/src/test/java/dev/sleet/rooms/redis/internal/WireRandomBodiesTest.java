package dev.sleet.rooms.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.spi.RemoteBroadcast;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broadcast body over random inputs: whatever is encoded decodes to the same fields; a body cut inside its
 * header, or any run of random bytes, is refused with a reason and never throws. Replay a seed with
 * {@code -Dsleet.seed=N}.
 */
class WireRandomBodiesTest {
    static final String NODE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    static List<Long> seeds() {
        String fixed = System.getProperty("sleet.seed");
        if (fixed != null) {
            return List.of(Long.parseLong(fixed));
        }
        SplittableRandom r = new SplittableRandom();
        return List.of(r.nextLong(), r.nextLong(), 7L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void encodedBodiesDecodeToTheSameFields(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 2000; i++) {
            StringBuilder origin = new StringBuilder();
            for (int k = 1 + r.nextInt(64); k > 0; k--) {
                origin.append(NODE_CHARS.charAt(r.nextInt(NODE_CHARS.length())));
            }
            byte[] payload = new byte[r.nextInt(i % 100 == 0 ? 70_000 : 300)];
            for (int k = 0; k < payload.length; k++) {
                payload[k] = (byte) r.nextInt(256);
            }
            boolean text = r.nextBoolean();
            long except = r.nextBoolean() ? RemoteBroadcast.NOBODY : r.nextLong();
            long epoch = r.nextLong();
            long seq = r.nextLong(1, Long.MAX_VALUE);
            RemoteBroadcast b = new RemoteBroadcast("room", text, ByteBuffer.wrap(payload), except, origin.toString());
            byte[] body = Wire.encode(b, origin.toString().getBytes(StandardCharsets.US_ASCII), epoch, seq);
            String[] why = new String[1];
            Wire.Decoded d = Wire.decode(body, why);
            assertNotNull(d, () -> "seed " + seed + ": refused its own body: " + why[0]);
            assertEquals(origin.toString(), d.origin(), "seed " + seed);
            assertEquals(text, d.text(), "seed " + seed);
            assertEquals(epoch, d.epoch(), "seed " + seed);
            assertEquals(seq, d.seq(), "seed " + seed);
            assertEquals(except, d.exceptId(), "seed " + seed);
            byte[] back = new byte[d.payload().remaining()];
            d.payload().duplicate().get(back);
            assertArrayEquals(payload, back, "seed " + seed);
            assertTrue(Wire.isFrom(body, origin.toString().getBytes(StandardCharsets.US_ASCII)), "seed " + seed);
            assertFalse(Wire.isFrom(body, (origin + "x").getBytes(StandardCharsets.US_ASCII)), "seed " + seed);

            int headerEnd = 4 + origin.length() + 24;
            int cut = r.nextInt(headerEnd);
            byte[] truncated = java.util.Arrays.copyOf(body, cut);
            assertNull(Wire.decode(truncated, why), "seed " + seed + ": a body cut at " + cut + " is refused");
            assertNotNull(why[0]);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBytesNeverThrow(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) r.nextInt(256);
            }
            if (junk.length > 2 && r.nextBoolean()) { // often a plausible start, to reach the deeper checks
                junk[0] = 'S';
                junk[1] = 1;
                junk[2] = (byte) r.nextInt(2);
            }
            String[] why = new String[1];
            Wire.Decoded d = Wire.decode(junk, why);
            if (d == null) {
                assertNotNull(why[0], "seed " + seed + ": a refusal says why");
            } else {
                assertEquals(d.origin().length() + 28 + d.payload().remaining(), junk.length, "seed " + seed);
            }
        }
    }
}
