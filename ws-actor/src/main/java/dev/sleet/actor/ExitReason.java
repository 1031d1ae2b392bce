package dev.sleet.actor;

import java.util.Objects;

/**
 * Why an actor stopped. Sealed, so a {@code switch} over it is exhaustive:
 *
 * <pre>{@code
 * switch (reason) {
 *     case ExitReason.Normal n -> ...
 *     case ExitReason.Crashed(Throwable cause) -> ...
 *     case ExitReason.Killed(Object why) -> ...
 *     case ExitReason.Shutdown s -> ...
 *     case ExitReason.LinkedExit(ActorRef<?> from, ExitReason inner) -> ...
 * }
 * }</pre>
 */
public sealed interface ExitReason
        permits ExitReason.Normal, ExitReason.Crashed, ExitReason.Killed, ExitReason.Shutdown,
                ExitReason.LinkedExit {

    /** The shared {@link Normal} instance. */
    ExitReason NORMAL = new Normal();

    /** The shared {@link Shutdown} instance. */
    ExitReason SHUTDOWN = new Shutdown();

    /**
     * Whether the actor ended on purpose: {@link Normal} or {@link Shutdown}, or a {@link LinkedExit} caused
     * by one of those.
     *
     * @return {@code true} for an orderly stop
     */
    default boolean isOrderly() {
        return switch (this) {
            case Normal n -> true;
            case Shutdown s -> true;
            case LinkedExit l -> l.reason().isOrderly();
            case Crashed c -> false;
            case Killed k -> false;
        };
    }

    /** The actor stopped itself, or was asked to with {@link ActorRef#stop()}. */
    record Normal() implements ExitReason {
    }

    /**
     * A handler threw and supervision did not (or could no longer) restart the actor.
     *
     * @param cause what the handler threw
     */
    record Crashed(Throwable cause) implements ExitReason {
        /**
         * Checks the cause.
         *
         * @param cause what the handler threw; not {@code null}
         */
        public Crashed {
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * Someone called {@link ActorRef#kill(Object)}.
     *
     * @param reason the reason given to {@code kill}
     */
    record Killed(Object reason) implements ExitReason {
        /**
         * Checks the reason.
         *
         * @param reason the reason given to {@code kill}; not {@code null}
         */
        public Killed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The actor's system shut down. */
    record Shutdown() implements ExitReason {
    }

    /**
     * A linked actor stopped and this actor did not trap exits.
     *
     * @param from   the linked actor that stopped
     * @param reason why it stopped
     */
    record LinkedExit(ActorRef<?> from, ExitReason reason) implements ExitReason {
        /**
         * Checks the components.
         *
         * @param from   the linked actor that stopped; not {@code null}
         * @param reason why it stopped; not {@code null}
         */
        public LinkedExit {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
