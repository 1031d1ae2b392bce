package dev.sleet.handshake;

import java.util.SplittableRandom;

/**
 * Seeds for the randomized property tests. Each run draws a fresh base seed unless {@code -Dsleet.seed=N} is
 * given; a failure names the seed of the failing case, and {@code -Dsleet.seed=<that seed>} replays it first.
 */
final class TestSeeds {

    private TestSeeds() {
    }

    static long base() {
        String fixed = System.getProperty("sleet.seed");
        return fixed != null ? Long.parseLong(fixed) : new SplittableRandom().nextLong();
    }

    /** The seed of case {@code i} of a run whose base seed is {@code base}. */
    static long ofCase(long base, int i) {
        return base + i * 0x9E3779B97F4A7C15L;
    }

    static AssertionError failure(long seed, Throwable cause) {
        return new AssertionError("property failed for seed " + seed + " (replay: -Dsleet.seed=" + seed + "): "
                + cause, cause);
    }
}
