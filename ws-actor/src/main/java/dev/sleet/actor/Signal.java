package dev.sleet.actor;

import java.util.Objects;

/**
 * A notice from the runtime, delivered through {@link Actor#onSignal} on the actor's own execution context,
 * never through its mailbox (a full bounded mailbox never loses a signal). Sealed for exhaustive
 * {@code switch}.
 */
public sealed interface Signal permits Signal.Terminated, Signal.Exit, Signal.Restarted {

    /**
     * A watched actor stopped ({@link ActorContext#watch}).
     *
     * @param ref    the actor that stopped
     * @param reason why
     */
    record Terminated(ActorRef<?> ref, ExitReason reason) implements Signal {
        /**
         * Checks the components.
         *
         * @param ref    the actor that stopped; not {@code null}
         * @param reason why; not {@code null}
         */
        public Terminated {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A linked actor stopped while this actor {@linkplain ActorContext#trapExits(boolean) traps exits}.
     *
     * @param from   the linked actor that stopped
     * @param reason why
     */
    record Exit(ActorRef<?> from, ExitReason reason) implements Signal {
        /**
         * Checks the components.
         *
         * @param from   the linked actor that stopped; not {@code null}
         * @param reason why; not {@code null}
         */
        public Exit {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A watched actor crashed and its supervision restarted it; it keeps its ref and its mailbox.
     *
     * @param ref   the restarted actor
     * @param cause what its handler threw
     */
    record Restarted(ActorRef<?> ref, Throwable cause) implements Signal {
        /**
         * Checks the components.
         *
         * @param ref   the restarted actor; not {@code null}
         * @param cause what its handler threw; not {@code null}
         */
        public Restarted {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(cause, "cause");
        }
    }
}
