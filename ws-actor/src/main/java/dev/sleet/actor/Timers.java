package dev.sleet.actor;

import java.time.Duration;

/**
 * The timers of one {@link ActorSystem}: a hashed timing wheel driven by one thread for the whole system, so
 * a pending timer costs one small object (about 64 bytes), never a thread. Scheduling and cancelling are
 * constant time and safe from any thread.
 *
 * <p>A timer fires at or after its deadline, late by at most one {@linkplain #tick() tick} plus scheduling
 * delay; a periodic timer fires at most once per tick. {@link Runnable} tasks run on the timer thread and must be short (e.g. check a deadline and tell an
 * actor); an exception from one is logged and does not disturb other timers. Timers that tell an actor are
 * cheaper to reason about: the message is handled by the actor like any other. A periodic timer to an
 * actor ends by itself when that actor stops.
 *
 * <p>Once the system begins to shut down, timers are refused: scheduling returns a {@link Cancellable}
 * that is already cancelled, and pending timers never fire.
 */
public interface Timers {

    /**
     * Runs {@code task} on the timer thread once, after {@code delay}.
     *
     * @param delay how long to wait; zero or negative means the next tick
     * @param task  a short task
     * @return a handle that cancels it
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Tells {@code target} {@code message} once, after {@code delay}.
     *
     * @param delay   how long to wait; zero or negative means the next tick
     * @param target  the actor
     * @param message the message
     * @param <M>     the actor's message type
     * @return a handle that cancels it
     */
    <M> Cancellable schedule(Duration delay, ActorRef<M> target, M message);

    /**
     * Runs {@code task} on the timer thread after {@code initialDelay}, then every {@code period} at a fixed
     * rate; a firing missed because the timer thread was late is skipped, not bunched.
     *
     * @param initialDelay the delay before the first run
     * @param period       the interval, positive
     * @param task         a short task
     * @return a handle that cancels it
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    Cancellable schedulePeriodic(Duration initialDelay, Duration period, Runnable task);

    /**
     * Tells {@code target} {@code message} after {@code initialDelay}, then every {@code period}; ends by
     * itself once the actor stops.
     *
     * @param initialDelay the delay before the first message
     * @param period       the interval, positive
     * @param target       the actor
     * @param message      the message
     * @param <M>          the actor's message type
     * @return a handle that cancels it
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    <M> Cancellable schedulePeriodic(Duration initialDelay, Duration period, ActorRef<M> target, M message);

    /**
     * How many timers are scheduled and neither fired (one-shot) nor cancelled.
     *
     * @return the number of pending timers
     */
    long pending();

    /**
     * The wheel's resolution.
     *
     * @return the tick duration
     */
    Duration tick();
}
