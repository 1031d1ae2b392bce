package dev.sleet.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReconnectPolicy}: exact ceilings (exponential, capped, no overflow), delays inside {@code [0, ceiling]}
 * spread over the whole range (full jitter), the attempt limit, replay by seed, and the argument checks.
 */
class ReconnectPolicyFullJitterTest {

    private static final ReconnectPolicy POLICY =
            ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(30)).withMaxAttempts(12);

    @Test
    void ceilingsDoubleUpToTheCap() {
        long[] expectedMillis = {100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000};
        for (int attempt = 1; attempt <= expectedMillis.length; attempt++) {
            assertEquals(Duration.ofMillis(expectedMillis[attempt - 1]), POLICY.ceiling(attempt), "attempt " + attempt);
        }
        ReconnectPolicy slow = POLICY.withMultiplier(1.5);
        assertEquals(Duration.ofMillis(150), slow.ceiling(2));
        assertEquals(Duration.ofMillis(225), slow.ceiling(3));
        ReconnectPolicy flat = POLICY.withMultiplier(1.0);
        assertEquals(Duration.ofMillis(100), flat.ceiling(1000));
    }

    @Test
    void hugeAttemptCountsAndDurationsDoNotOverflow() {
        ReconnectPolicy forever = ReconnectPolicy.exponential(Duration.ofMillis(1), Duration.ofDays(1));
        assertEquals(Duration.ofDays(1), forever.ceiling(Integer.MAX_VALUE));
        assertTrue(forever.allows(Integer.MAX_VALUE));
        ReconnectPolicy enormous = ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE));
        Duration c = enormous.ceiling(10_000);
        assertEquals(Long.MAX_VALUE, c.toNanos(), "capped at what nanoseconds can hold");
        Duration d = enormous.delay(10_000, new SplittableRandom(1)).orElseThrow();
        assertFalse(d.isNegative());
    }

    @Test
    void delaysStayInsideTheCeilingAndSpreadOverIt() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        for (int attempt = 1; attempt <= 12; attempt++) {
            long ceiling = POLICY.ceiling(attempt).toNanos();
            int n = 4000;
            long below10 = 0;
            long above90 = 0;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                long d = POLICY.delay(attempt, random).orElseThrow().toNanos();
                assertTrue(d >= 0 && d <= ceiling, "delay " + d + " outside [0, " + ceiling + "], seed " + seed);
                below10 += d < ceiling / 10 ? 1 : 0;
                above90 += d > ceiling / 10 * 9 ? 1 : 0;
                sum += d;
            }
            // Uniform on [0, c]: mean c/2 (standard error c/sqrt(12n) ≈ 0.0046c here), 10% in each tenth.
            double mean = sum / n / ceiling;
            assertTrue(Math.abs(mean - 0.5) < 0.03, "mean " + mean + " of the ceiling, attempt " + attempt + ", seed " + seed);
            assertTrue(below10 > n / 20 && above90 > n / 20, "full jitter reaches both ends, seed " + seed);
        }
    }

    @Test
    void givesUpAfterMaxAttempts() {
        SplittableRandom random = new SplittableRandom(7);
        assertTrue(POLICY.delay(12, random).isPresent());
        assertEquals(Optional.empty(), POLICY.delay(13, random));
        assertFalse(POLICY.allows(13));
        ReconnectPolicy once = POLICY.withMaxAttempts(1);
        assertTrue(once.allows(1));
        assertFalse(once.allows(2));
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        for (int attempt = 1; attempt <= 12; attempt++) {
            assertEquals(POLICY.delay(attempt, a), POLICY.delay(attempt, b));
        }
    }

    @Test
    void refusesValuesThatMakeNoSense() {
        Duration s = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(Duration.ZERO, s, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(s.negated(), s, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(s, Duration.ofMillis(999), 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(s, s, 0.5, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(s, s, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(s, s, Double.POSITIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(s, s, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> POLICY.ceiling(0));
        assertThrows(IllegalArgumentException.class, () -> POLICY.delay(-1, new SplittableRandom()));
        assertThrows(NullPointerException.class, () -> new ReconnectPolicy(null, s, 2, 1));
    }
}
