package dev.sleet.actor;

import java.time.Duration;

/**
 * What an actor can do to itself and to other actors. Handed to every {@link Actor} callback; call its
 * methods from the actor's own handlers (the runtime does not check which thread calls).
 *
 * @param <M> the type of messages the actor accepts
 */
public interface ActorContext<M> {

    /**
     * The actor's own address.
     *
     * @return this actor's ref
     */
    ActorRef<M> self();

    /**
     * The system the actor runs in.
     *
     * @return the system
     */
    ActorSystem system();

    /**
     * Stops this actor with {@link ExitReason.Normal} once the current callback returns. Messages still in
     * the mailbox are not handled.
     */
    void stop();

    /**
     * Monitors {@code other}: when it stops, this actor receives {@link Signal.Terminated} with the reason.
     * If {@code other} has already stopped, the signal arrives at once. Watching twice is the same as once.
     *
     * @param other the actor to watch; not this actor
     * @throws IllegalArgumentException if {@code other} is this actor or not a ref made by Sleet
     */
    void watch(ActorRef<?> other);

    /**
     * Stops monitoring {@code other}. A {@link Signal.Terminated} for it that has not been handled yet is
     * discarded.
     *
     * @param other the actor no longer watched
     */
    void unwatch(ActorRef<?> other);

    /**
     * Links this actor with {@code other}, both ways: when either stops, for any reason, the other stops too
     * with {@link ExitReason.LinkedExit}, unless it {@linkplain #trapExits(boolean) traps exits}, in which
     * case it receives {@link Signal.Exit} instead. Linking to an actor that has already stopped delivers its
     * exit at once. Unlike Erlang, a normal exit propagates as well: a link means "share my fate".
     *
     * @param other the actor to link with; not this actor
     * @throws IllegalArgumentException if {@code other} is this actor or not a ref made by Sleet
     */
    void link(ActorRef<?> other);

    /**
     * Removes a link made by either side. An exit from {@code other} not yet handled is discarded.
     *
     * @param other the linked actor
     */
    void unlink(ActorRef<?> other);

    /**
     * Chooses whether exits of linked actors stop this actor (the default) or arrive as {@link Signal.Exit}.
     *
     * @param trap {@code true} to receive linked exits as signals
     */
    void trapExits(boolean trap);

    /**
     * Whether linked exits arrive as signals.
     *
     * @return {@code true} if this actor traps exits
     */
    boolean trapExits();

    /**
     * Sends {@code message} to this actor once, after {@code delay}, from the system's shared timer wheel.
     *
     * @param delay   how long to wait; zero or negative means the next tick
     * @param message the message
     * @return a handle that cancels the timer
     */
    Cancellable scheduleOnce(Duration delay, M message);

    /**
     * Sends {@code message} to this actor after {@code initialDelay} and then every {@code period} (fixed
     * rate; a firing missed because the timer thread was late is skipped, not bunched). The timer ends when
     * cancelled or when this actor stops.
     *
     * @param initialDelay the delay before the first message
     * @param period       the interval, positive
     * @param message      the message
     * @return a handle that cancels the timer
     */
    Cancellable schedulePeriodic(Duration initialDelay, Duration period, M message);
}
