package dev.sleet.frame;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can honestly be checked about {@link MaskKeySource}'s keys (RFC 6455 §5.3): it takes seeds from its
 * {@code SecureRandom} exactly when it should (lazily, then every {@code keysPerSeed} keys), the keys after a
 * reseed come from the new seed, two sources give different streams, every one of the 32 bits varies with about
 * even odds, and there are no runs of repeated keys. None of this proves unpredictability; that rests on ChaCha20
 * ({@link MaskKeySourceChaCha20Test} shows it is ChaCha20) and on the seed.
 */
class MaskKeySourceStreamTest {

    /** A SecureRandom that counts the seeds drawn from it. */
    static final class CountingRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        int seedsDrawn;

        @Override
        public void nextBytes(byte[] bytes) {
            seedsDrawn++;
            super.nextBytes(bytes);
        }
    }

    /** A SecureRandom that hands out a fixed seed: makes a source repeatable, to test the reseed boundary. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte fill;

        FixedRandom(int fill) {
            this.fill = (byte) fill;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            java.util.Arrays.fill(bytes, fill);
        }
    }

    @Test
    void seedsLazilyThenEveryKeysPerSeedKeys() {
        CountingRandom seeds = new CountingRandom();
        MaskKeySource keys = new MaskKeySource(seeds, 64);
        assertEquals(0, seeds.seedsDrawn, "no seed before the first key");
        keys.getAsInt();
        assertEquals(1, seeds.seedsDrawn);
        for (int i = 1; i < 64; i++) {
            keys.getAsInt();
        }
        assertEquals(1, seeds.seedsDrawn, "64 keys from one seed");
        keys.getAsInt();
        assertEquals(2, seeds.seedsDrawn, "key 65 takes a new seed");
        for (int i = 0; i < 64 * 10; i++) {
            keys.getAsInt();
        }
        assertEquals(12, seeds.seedsDrawn);
        assertEquals(12, keys.reseeds());
    }

    @Test
    void keysAfterAReseedComeFromTheNewSeed() {
        // Same seed every time: the stream restarts at each reseed, which shows the reseed really replaced the
        // state (a source that ignored the new seed would go on with block 2, 3, ...).
        MaskKeySource fixed = new MaskKeySource(new FixedRandom(7), 32);
        int[] first = new int[32];
        for (int i = 0; i < 32; i++) {
            first[i] = fixed.getAsInt();
        }
        for (int i = 0; i < 32; i++) {
            assertEquals(first[i], fixed.getAsInt(), "key " + i + " after the reseed");
        }
        // With another seed the stream differs from the first key on.
        MaskKeySource other = new MaskKeySource(new FixedRandom(8), 32);
        int same = 0;
        for (int i = 0; i < 32; i++) {
            same += other.getAsInt() == first[i] ? 1 : 0;
        }
        assertTrue(same <= 1, same + " of 32 keys equal under different seeds");
    }

    @Test
    void distinctSourcesGiveDistinctStreams() {
        MaskKeySource a = new MaskKeySource();
        MaskKeySource b = new MaskKeySource();
        int equal = 0;
        for (int i = 0; i < 4096; i++) {
            equal += a.getAsInt() == b.getAsInt() ? 1 : 0;
        }
        // Independent uniform 32-bit keys agree with probability 2^-32 each: more than a couple would be a bug.
        assertTrue(equal <= 2, equal + " equal keys at the same positions of two sources");
    }

    @Test
    void everyBitVariesWithEvenOddsAndKeysDoNotRepeatInRuns() {
        MaskKeySource keys = new MaskKeySource(new SecureRandom(), 4096); // several reseeds in the run
        int n = 1 << 20;
        int[] ones = new int[32];
        int orAll = 0;
        int andAll = -1;
        int previous = keys.getAsInt();
        int repeats = 0;
        Set<Integer> window = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int k = keys.getAsInt();
            orAll |= k;
            andAll &= k;
            for (int bit = 0; bit < 32; bit++) {
                ones[bit] += (k >>> bit) & 1;
            }
            repeats += k == previous ? 1 : 0;
            previous = k;
            if (i < 65536) {
                window.add(k);
            }
        }
        assertEquals(-1, orAll, "some bit was never 1");
        assertEquals(0, andAll, "some bit was never 0");
        // Each bit is 1 in n/2 keys on average, standard deviation sqrt(n)/2 = 512: 6 deviations either side.
        for (int bit = 0; bit < 32; bit++) {
            assertTrue(Math.abs(ones[bit] - n / 2) < 6 * 512, "bit " + bit + " was 1 in " + ones[bit] + " of " + n);
        }
        assertTrue(repeats <= 1, repeats + " keys equal to the key before them");
        // 65,536 uniform 32-bit keys collide about 0.5 times on average (birthday bound; more than 8 happens with
        // probability about 1e-9): allow that, not a pattern.
        assertTrue(window.size() >= 65536 - 8, (65536 - window.size()) + " duplicates among the first 65,536 keys");
    }

    @Test
    void refusesFewerKeysPerSeedThanOneBlock() {
        assertThrows(IllegalArgumentException.class, () -> new MaskKeySource(new SecureRandom(), 15));
        assertNotEquals(0, new MaskKeySource(new SecureRandom(), 16).keysPerSeed());
    }
}
