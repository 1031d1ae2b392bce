package dev.sleet.actor.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings an {@link dev.sleet.actor.ActorSystem.Builder} collected, checked.
 *
 * @param name           the system's name
 * @param workers        worker threads
 * @param batchSize      messages per scheduled turn of an actor
 * @param timerTick      the timer wheel's resolution
 * @param timerWheelSize the timer wheel's slots (rounded up to a power of two)
 * @param daemon         whether platform threads are daemons
 * @param closeTimeout   the timeout of {@code close()}
 */
public record SystemConfig(String name, int workers, int batchSize, Duration timerTick, int timerWheelSize,
                           boolean daemon, Duration closeTimeout) {

    /**
     * Checks the settings.
     *
     * @param name           the system's name
     * @param workers        worker threads
     * @param batchSize      messages per scheduled turn
     * @param timerTick      the timer resolution
     * @param timerWheelSize the timer wheel's slots
     * @param daemon         daemon threads
     * @param closeTimeout   the timeout of {@code close()}
     */
    public SystemConfig {
        Objects.requireNonNull(name, "name");
        if (workers < 1 || batchSize < 1 || timerWheelSize < 1) {
            throw new IllegalArgumentException("workers, batchSize and timerWheelSize must be positive");
        }
        positive(timerTick, "timer tick");
        positive(closeTimeout, "close timeout");
    }

    /**
     * Checks that a duration is positive.
     *
     * @param d    the duration
     * @param what what it is, for the message
     * @return {@code d}
     * @throws IllegalArgumentException if {@code d} is zero or negative
     */
    public static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * A duration in nanoseconds, saturated at {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} instead of
     * overflowing.
     *
     * @param d the duration
     * @return its length in nanoseconds
     */
    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
