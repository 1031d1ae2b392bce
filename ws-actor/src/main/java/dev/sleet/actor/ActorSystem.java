package dev.sleet.actor;

import dev.sleet.actor.internal.LocalActorSystem;
import dev.sleet.actor.internal.SystemConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A set of actors, the worker threads that run them (M:N: many actors on a fixed pool), one timer thread
 * and, for actors that block, virtual threads.
 *
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.builder().name("chat").build()) {
 *     ActorRef<String> echo = system.spawn((ctx, msg) -> System.out.println(msg));
 *     echo.tell("hello");
 * }
 * }</pre>
 *
 * <p>Each scheduled actor handles at most {@linkplain Builder#batchSize(int) a batch} of messages before
 * the worker moves on, so one busy actor cannot starve the others. Idle workers spin briefly, then park;
 * a {@code tell} wakes a worker only when none is awake looking for work.
 */
public interface ActorSystem extends AutoCloseable {

    /**
     * A builder with default settings.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a system with default settings (workers = available processors).
     *
     * @return the running system
     */
    static ActorSystem create() {
        return builder().build();
    }

    /**
     * The system's name, used in thread names and logs.
     *
     * @return the name
     */
    String name();

    /**
     * The number of worker threads.
     *
     * @return the worker count
     */
    int workers();

    /**
     * Spawns an actor with {@link SpawnOptions#defaults()}.
     *
     * @param actor the behaviour
     * @param <M>   its message type
     * @return its ref
     * @throws IllegalStateException if the system is shutting down or shut down
     */
    <M> ActorRef<M> spawn(Actor<M> actor);

    /**
     * Spawns an actor. Its {@link Actor#onStart} runs soon after, on its own execution context; messages
     * told before that wait in the mailbox.
     *
     * @param actor   the behaviour
     * @param options mailbox, supervision, execution mode and name
     * @param <M>     its message type
     * @return its ref
     * @throws IllegalStateException if the system is shutting down or shut down
     */
    <M> ActorRef<M> spawn(Actor<M> actor, SpawnOptions options);

    /**
     * The system's shared timers (one timing wheel, one thread).
     *
     * @return the timers
     */
    Timers timers();

    /**
     * A snapshot of the system's counters.
     *
     * @return the metrics
     */
    SystemMetrics metrics();

    /**
     * Whether the system still accepts spawns and messages.
     *
     * @return {@code false} once a shutdown has begun
     */
    boolean isRunning();

    /**
     * Whether {@code thread} belongs to this system: one of its workers, its timer thread or one of its virtual
     * threads. Code that must not wait for the system from inside it (a shutdown) asks this first.
     *
     * @param thread the thread to check
     * @return {@code true} for the system's own threads
     */
    boolean ownsThread(Thread thread);

    /**
     * Shuts the system down and waits. From the moment it begins, {@code spawn} throws, {@code tell} answers
     * {@link TellResult#DEAD} and timers are refused. Messages already queued are handled; each actor then
     * stops with {@link ExitReason.Shutdown} ({@link Actor#onStop} runs for each). If {@code timeout} expires
     * first, actors still busy are stopped without handling the rest of their mailboxes. Finally every
     * thread of the system is joined (workers are interrupted if they do not finish).
     *
     * <p>The call returns within about {@code timeout} plus a grace period of {@code min(timeout, 1 s)} for the
     * forced stop and one more for joining threads. A second call waits for the first and returns its
     * result. Must not be called from one of the system's own actors or timer tasks (use
     * {@link #shutdownAsync(Duration)} there).
     *
     * @param timeout how long to let mailboxes drain, positive
     * @return what happened
     * @throws IllegalStateException if called from one of this system's threads
     */
    ShutdownResult shutdown(Duration timeout);

    /**
     * {@link #shutdown(Duration)} on a new thread; safe to call from an actor.
     *
     * @param timeout how long to let mailboxes drain, positive
     * @return completes with the result
     */
    CompletableFuture<ShutdownResult> shutdownAsync(Duration timeout);

    /**
     * {@link #shutdown(Duration)} with the builder's {@linkplain Builder#closeTimeout(Duration) close timeout}.
     *
     * @throws IllegalStateException if called from one of this system's threads
     */
    @Override
    void close();

    /** Configures and starts an {@link ActorSystem}. */
    final class Builder {
        private String name = "sleet";
        private int workers = Runtime.getRuntime().availableProcessors();
        private int batchSize = 64;
        private Duration timerTick = Duration.ofMillis(10);
        private int timerWheelSize = 4096;
        private boolean daemon = false;
        private Duration closeTimeout = Duration.ofSeconds(10);

        Builder() {
        }

        /**
         * The name, used in thread names ({@code <name>-worker-0}, {@code <name>-timer}) and logs.
         *
         * @param name a non-empty name; default {@code "sleet"}
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * How many worker threads run dispatcher actors.
         *
         * @param workers 1 to 32767; default the number of available processors
         * @return this builder
         */
        public Builder workers(int workers) {
            if (workers < 1 || workers > Short.MAX_VALUE) {
                throw new IllegalArgumentException("workers must be in [1, 32767], got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * How many messages a scheduled actor handles before its worker moves on to the next actor
         * (fairness against throughput).
         *
         * @param batchSize at least 1; default 64
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The resolution of the timer wheel.
         *
         * @param tick at least 1 ms; default 10 ms
         * @return this builder
         */
        public Builder timerTick(Duration tick) {
            Objects.requireNonNull(tick, "tick");
            if (tick.compareTo(Duration.ofMillis(1)) < 0) {
                throw new IllegalArgumentException("timer tick must be at least 1 ms, got " + tick);
            }
            this.timerTick = tick;
            return this;
        }

        /**
         * The number of slots of the timer wheel (rounded up to a power of two). Timers due within
         * {@code slots × tick} are visited once, when they fire; later ones once per turn of the wheel.
         *
         * @param slots 16 to 1,048,576; default 4096 (41 s at a 10 ms tick)
         * @return this builder
         */
        public Builder timerWheelSize(int slots) {
            if (slots < 16 || slots > (1 << 20)) {
                throw new IllegalArgumentException("timer wheel size must be in [16, 1048576], got " + slots);
            }
            this.timerWheelSize = slots;
            return this;
        }

        /**
         * Whether the system's platform threads are daemon threads (which do not keep the JVM alive).
         *
         * @param daemon default {@code false}
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * The timeout {@link ActorSystem#close()} passes to {@link ActorSystem#shutdown(Duration)}.
         *
         * @param timeout positive; default 10 s
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = SystemConfig.positive(timeout, "close timeout");
            return this;
        }

        /**
         * Starts the system: its worker threads start now, the timer thread on first use.
         *
         * @return the running system
         */
        public ActorSystem build() {
            return new LocalActorSystem(new SystemConfig(name, workers, batchSize, timerTick, timerWheelSize,
                    daemon, closeTimeout));
        }
    }
}
