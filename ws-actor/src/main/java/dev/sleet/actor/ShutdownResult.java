package dev.sleet.actor;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ActorSystem#shutdown(Duration)} did.
 *
 * @param outcome             how far the shutdown got
 * @param actorsStopped       actors stopped by this shutdown ({@link Actor#onStop} ran for each)
 * @param messagesHandled     messages handled after the shutdown began (the drain)
 * @param messagesDiscarded   messages left unhandled in mailboxes of actors the shutdown stopped by force
 * @param actorsStillRunning  actors whose {@code onStop} had not run when the call returned (their handler
 *                            would not return)
 * @param threadsStillRunning threads of the system (workers, timer, virtual threads of blocking actors)
 *                            still alive when the call returned
 * @param elapsed             how long the call took
 */
public record ShutdownResult(Outcome outcome, long actorsStopped, long messagesHandled, long messagesDiscarded,
                             long actorsStillRunning, int threadsStillRunning, Duration elapsed) {

    /** How far a shutdown got. */
    public enum Outcome {
        /** Every queued message was handled, every actor stopped and every thread ended within the timeout. */
        DRAINED,
        /**
         * The timeout expired first: actors still busy were stopped without handling the rest of their
         * mailboxes ({@link #messagesDiscarded()}), then everything stopped.
         */
        FORCED,
        /**
         * Some actor or thread would not stop even after the grace period (a handler that blocks and ignores
         * interrupts); see {@link #actorsStillRunning()} and {@link #threadsStillRunning()}.
         */
        INCOMPLETE
    }

    /**
     * Checks the components.
     *
     * @param outcome             how far the shutdown got
     * @param actorsStopped       actors stopped by this shutdown
     * @param messagesHandled     messages handled after the shutdown began
     * @param messagesDiscarded   messages discarded from mailboxes
     * @param actorsStillRunning  actors that had not stopped
     * @param threadsStillRunning threads still alive
     * @param elapsed             how long it took
     */
    public ShutdownResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * Whether everything drained and stopped in time.
     *
     * @return {@code true} for {@link Outcome#DRAINED}
     */
    public boolean clean() {
        return outcome == Outcome.DRAINED;
    }
}
