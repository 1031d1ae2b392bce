package dev.sleet.actor;

/** A handle on a pending timer. */
public interface Cancellable {

    /**
     * Cancels the timer: a one-shot timer that has not fired never fires, a periodic timer fires no more.
     * Constant time; the wheel lets go of the timer's task or message within one tick.
     *
     * @return {@code true} if this call cancelled it; {@code false} if it had already fired (one-shot) or
     *     been cancelled
     */
    boolean cancel();

    /**
     * Whether {@link #cancel()} succeeded at some point (or the timer was refused because its system shut
     * down, or its target actor stopped).
     *
     * @return {@code true} once cancelled
     */
    boolean isCancelled();
}
