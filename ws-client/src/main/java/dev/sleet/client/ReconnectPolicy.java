package dev.sleet.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try again after a connection attempt failed or an open connection dropped: exponential backoff with
 * full jitter. Attempt {@code n} (counted from 1 for the first retry) waits a uniformly random time between zero
 * and {@code min(maxDelay, initialDelay × multiplier^(n−1))}; after {@code maxAttempts} retries the client gives
 * up. Full jitter spreads the retries of many clients that lost the same server at the same moment, so they do
 * not come back in synchronized waves (the "full jitter" variant of Brooker, <i>Exponential Backoff And
 * Jitter</i>, AWS Architecture Blog, 2015).
 *
 * <pre>{@code
 * ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(30))
 *         .withMaxAttempts(10);
 * Optional<Duration> wait = policy.delay(attempt, random);   // empty: give up
 * }</pre>
 *
 * <p>An immutable value; the randomness comes from the caller ({@link #delay(int, RandomGenerator)}), so a policy
 * is shared freely and tests can replay a seed. {@link #ceiling(int)} is exact and never overflows, however many
 * attempts are counted.
 *
 * @param initialDelay the ceiling of the first retry's wait; positive
 * @param maxDelay     the largest ceiling; at least {@code initialDelay}
 * @param multiplier   how much the ceiling grows per attempt; at least 1 (1 gives a constant ceiling)
 * @param maxAttempts  how many retries before giving up, at least 1; {@link #UNLIMITED} never gives up
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, double multiplier, int maxAttempts) {

    /** {@link #maxAttempts()} meaning "retry for ever". */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** Checks every value. */
    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    /** Doubling ceilings from {@code initialDelay} up to {@code maxDelay}, retrying for ever. */
    public static ReconnectPolicy exponential(Duration initialDelay, Duration maxDelay) {
        return new ReconnectPolicy(initialDelay, maxDelay, 2.0, UNLIMITED);
    }

    /** This policy giving up after {@code attempts} retries. */
    public ReconnectPolicy withMaxAttempts(int attempts) {
        return new ReconnectPolicy(initialDelay, maxDelay, multiplier, attempts);
    }

    /** This policy with another growth factor. */
    public ReconnectPolicy withMultiplier(double factor) {
        return new ReconnectPolicy(initialDelay, maxDelay, factor, maxAttempts);
    }

    /** Whether retry number {@code attempt} (from 1) may still be made. */
    public boolean allows(int attempt) {
        checkAttempt(attempt);
        return attempt <= maxAttempts;
    }

    /** The most retry number {@code attempt} (from 1) may wait: {@code min(maxDelay, initialDelay × multiplier^(attempt−1))}. */
    public Duration ceiling(int attempt) {
        checkAttempt(attempt);
        long initial = nanos(initialDelay);
        long max = nanos(maxDelay);
        double grown = initial * Math.pow(multiplier, attempt - 1); // +Infinity when it overflows: capped below
        return Duration.ofNanos(grown >= max ? max : (long) grown);
    }

    /**
     * The wait before retry number {@code attempt} (from 1), drawn uniformly from {@code [0, ceiling(attempt)]}; empty
     * once {@link #maxAttempts()} retries were made.
     */
    public Optional<Duration> delay(int attempt, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        if (!allows(attempt)) {
            return Optional.empty();
        }
        long ceiling = ceiling(attempt).toNanos();
        return Optional.of(Duration.ofNanos(ceiling == Long.MAX_VALUE ? random.nextLong(0, ceiling)
                : random.nextLong(0, ceiling + 1)));
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // about 292 years: more than any wait means
        }
    }

    private static void checkAttempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts are counted from 1: " + attempt);
        }
    }
}
