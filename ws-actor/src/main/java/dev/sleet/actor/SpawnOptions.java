package dev.sleet.actor;

import java.time.Duration;
import java.util.Objects;

/**
 * How to spawn an actor: its mailbox, what happens when it crashes, where it runs and its debugging name.
 * Immutable; each method returns a changed copy. Share one instance between many spawns freely.
 *
 * <pre>{@code
 * SpawnOptions opts = SpawnOptions.defaults()
 *         .name("db-writer")
 *         .bounded(1_000, MailboxOverflowPolicy.REJECT)
 *         .restart(3, Duration.ofSeconds(10))
 *         .virtualThreads();
 * }</pre>
 */
public final class SpawnOptions {

    private static final SpawnOptions DEFAULTS =
            new SpawnOptions(null, Mailbox.UNBOUNDED, Supervision.STOP, Execution.DISPATCHER);

    private final String name;
    private final Mailbox mailbox;
    private final Supervision supervision;
    private final Execution execution;

    private SpawnOptions(String name, Mailbox mailbox, Supervision supervision, Execution execution) {
        this.name = name;
        this.mailbox = mailbox;
        this.supervision = supervision;
        this.execution = execution;
    }

    /**
     * Unbounded mailbox, stop on crash, the pooled dispatcher, no name.
     *
     * @return the default options
     */
    public static SpawnOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Names the actor, for logs and {@code toString} only; names need not be unique.
     *
     * @param name the name; {@code null} for none
     * @return a copy with the name
     */
    public SpawnOptions name(String name) {
        return new SpawnOptions(name, mailbox, supervision, execution);
    }

    /**
     * Sets the mailbox.
     *
     * @param mailbox {@link Mailbox#unbounded()} or {@link Mailbox#bounded(int, MailboxOverflowPolicy)}
     * @return a copy with the mailbox
     */
    public SpawnOptions mailbox(Mailbox mailbox) {
        return new SpawnOptions(name, Objects.requireNonNull(mailbox, "mailbox"), supervision, execution);
    }

    /**
     * An unbounded mailbox (the default).
     *
     * @return a copy with an unbounded mailbox
     */
    public SpawnOptions unbounded() {
        return mailbox(Mailbox.UNBOUNDED);
    }

    /**
     * A mailbox holding at most {@code capacity} messages (exactly, even with many concurrent senders).
     *
     * @param capacity the capacity, at least 1
     * @param policy   what {@code tell} does when it is full
     * @return a copy with a bounded mailbox
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public SpawnOptions bounded(int capacity, MailboxOverflowPolicy policy) {
        return mailbox(Mailbox.bounded(capacity, policy));
    }

    /**
     * Sets the supervision.
     *
     * @param supervision {@link Supervision#stop()} or {@link Supervision#restart(int, Duration)}
     * @return a copy with the supervision
     */
    public SpawnOptions supervision(Supervision supervision) {
        return new SpawnOptions(name, mailbox, Objects.requireNonNull(supervision, "supervision"), execution);
    }

    /**
     * Stop the actor with {@link ExitReason.Crashed} when a handler throws (the default).
     *
     * @return a copy that stops on crash
     */
    public SpawnOptions stopOnCrash() {
        return supervision(Supervision.STOP);
    }

    /**
     * Restart the actor when a handler throws, at most {@code maxRestarts} times within {@code within}; the
     * next crash in that window stops it with {@link ExitReason.Crashed}.
     *
     * @param maxRestarts restarts allowed per window, at least 1
     * @param within      the window, positive
     * @return a copy that restarts on crash
     * @throws IllegalArgumentException on a bad limit or window
     */
    public SpawnOptions restart(int maxRestarts, Duration within) {
        return supervision(Supervision.restart(maxRestarts, within));
    }

    /**
     * Sets where the actor runs.
     *
     * @param execution the execution mode
     * @return a copy with the execution mode
     */
    public SpawnOptions execution(Execution execution) {
        return new SpawnOptions(name, mailbox, supervision, Objects.requireNonNull(execution, "execution"));
    }

    /**
     * Run on the system's pooled worker threads (the default). Handlers must not block.
     *
     * @return a copy that runs on the dispatcher
     */
    public SpawnOptions dispatcher() {
        return execution(Execution.DISPATCHER);
    }

    /**
     * Run on virtual threads, for handlers that block (database calls, file I/O): a blocked handler holds no
     * worker. Each busy period of the actor gets a fresh virtual thread; an idle actor holds none.
     *
     * @return a copy that runs on virtual threads
     */
    public SpawnOptions virtualThreads() {
        return execution(Execution.VIRTUAL_THREADS);
    }

    /**
     * The debugging name.
     *
     * @return the name, or {@code null} if none was given
     */
    public String name() {
        return name;
    }

    /**
     * The mailbox.
     *
     * @return the mailbox kind
     */
    public Mailbox mailbox() {
        return mailbox;
    }

    /**
     * The supervision.
     *
     * @return the supervision
     */
    public Supervision supervision() {
        return supervision;
    }

    /**
     * The execution mode.
     *
     * @return the execution mode
     */
    public Execution execution() {
        return execution;
    }

    @Override
    public String toString() {
        return "SpawnOptions[name=" + name + ", mailbox=" + mailbox + ", supervision=" + supervision
                + ", execution=" + execution + "]";
    }

    /** A mailbox kind. */
    public sealed interface Mailbox permits Mailbox.Unbounded, Mailbox.Bounded {

        /** The unbounded mailbox. */
        Mailbox UNBOUNDED = new Unbounded();

        /**
         * An unbounded mailbox.
         *
         * @return the unbounded mailbox
         */
        static Mailbox unbounded() {
            return UNBOUNDED;
        }

        /**
         * A bounded mailbox.
         *
         * @param capacity the capacity, at least 1
         * @param policy   what {@code tell} does when it is full
         * @return the bounded mailbox
         * @throws IllegalArgumentException if {@code capacity < 1}
         */
        static Mailbox bounded(int capacity, MailboxOverflowPolicy policy) {
            return new Bounded(capacity, policy);
        }

        /** Grows as needed, in small chunks; never refuses a message. */
        record Unbounded() implements Mailbox {
        }

        /**
         * Holds at most {@code capacity} messages.
         *
         * @param capacity the capacity
         * @param policy   what {@code tell} does when it is full
         */
        record Bounded(int capacity, MailboxOverflowPolicy policy) implements Mailbox {
            /**
             * Checks the components.
             *
             * @param capacity the capacity, at least 1
             * @param policy   the overflow policy, not {@code null}
             */
            public Bounded {
                if (capacity < 1) {
                    throw new IllegalArgumentException("mailbox capacity must be at least 1, got " + capacity);
                }
                Objects.requireNonNull(policy, "policy");
            }
        }
    }

    /** What happens when a handler throws. */
    public sealed interface Supervision permits Supervision.Stop, Supervision.Restart {

        /** Stop on crash. */
        Supervision STOP = new Stop();

        /**
         * Stop on crash.
         *
         * @return the stop supervision
         */
        static Supervision stop() {
            return STOP;
        }

        /**
         * Restart on crash, within limits.
         *
         * @param maxRestarts restarts allowed per window, at least 1
         * @param within      the window, positive
         * @return the restart supervision
         */
        static Supervision restart(int maxRestarts, Duration within) {
            return new Restart(maxRestarts, within);
        }

        /** The actor stops with {@link ExitReason.Crashed}; its watchers and links hear why. */
        record Stop() implements Supervision {
        }

        /**
         * The actor keeps its ref and mailbox, drops the message that crashed it, runs
         * {@link Actor#onStart} again and carries on; watchers receive {@link Signal.Restarted}. A crash
         * beyond {@code maxRestarts} within {@code within} (counted from the first crash of the window) stops
         * it with {@link ExitReason.Crashed}.
         *
         * @param maxRestarts restarts allowed per window
         * @param within      the window
         */
        record Restart(int maxRestarts, Duration within) implements Supervision {
            /**
             * Checks the components.
             *
             * @param maxRestarts restarts allowed per window, at least 1
             * @param within      the window, positive
             */
            public Restart {
                if (maxRestarts < 1) {
                    throw new IllegalArgumentException("maxRestarts must be at least 1, got " + maxRestarts);
                }
                Objects.requireNonNull(within, "within");
                if (within.isNegative() || within.isZero()) {
                    throw new IllegalArgumentException("restart window must be positive, got " + within);
                }
            }
        }
    }

    /** Where an actor's handlers run. */
    public enum Execution {
        /** On the system's fixed pool of worker threads, a bounded batch of messages at a time. */
        DISPATCHER,
        /** On virtual threads, so that handlers may block without holding a worker. */
        VIRTUAL_THREADS
    }
}
