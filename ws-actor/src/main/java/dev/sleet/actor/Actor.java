package dev.sleet.actor;

/**
 * An actor's behaviour. The runtime calls it one message at a time: never on two threads at once, and the
 * memory effects of one call are visible to the next, so an actor may keep plain mutable fields.
 *
 * <p>Life cycle, all on the actor's own execution context:
 * <ol>
 *   <li>{@link #onStart} once, before any message (and again after each supervised restart);</li>
 *   <li>{@link #onMessage} for each message, in the order each sender sent them, and {@link #onSignal} for
 *       exit notices from watched or linked actors;</li>
 *   <li>{@link #onStop} exactly once, after the last message, whatever the reason: a normal stop, a crash, a
 *       kill, a linked exit or the system shutting down.</li>
 * </ol>
 *
 * <p>A handler that throws crashes the actor alone: the worker thread and every other actor keep running, and
 * the actor's {@link SpawnOptions.Supervision supervision} decides between stopping it with
 * {@link ExitReason.Crashed} and restarting it. Handlers of actors spawned with the default
 * {@link SpawnOptions.Execution#DISPATCHER dispatcher} must not block; spawn actors that block (database
 * calls, file I/O) with {@link SpawnOptions#virtualThreads()}.
 *
 * @param <M> the type of messages the actor accepts
 */
@FunctionalInterface
public interface Actor<M> {

    /**
     * Handles one message.
     *
     * @param ctx     the actor's context (valid during the call; may be kept by the actor)
     * @param message the message, never {@code null}
     * @throws Exception to crash the actor; supervision decides what happens next
     */
    void onMessage(ActorContext<M> ctx, M message) throws Exception;

    /**
     * Runs before the first message, and again after each restart ordered by supervision.
     *
     * @param ctx the actor's context
     * @throws Exception to crash the actor
     */
    default void onStart(ActorContext<M> ctx) throws Exception {
    }

    /**
     * Handles a signal from the runtime: the exit of a watched actor, a trapped exit of a linked actor, or
     * the restart of a watched actor.
     *
     * @param ctx    the actor's context
     * @param signal the signal
     * @throws Exception to crash the actor
     */
    default void onSignal(ActorContext<M> ctx, Signal signal) throws Exception {
    }

    /**
     * Runs exactly once, after the actor's last message, whatever the reason it stops. The actor can no
     * longer receive messages: {@link ActorRef#tell} already answers {@link TellResult#DEAD}. An exception
     * thrown here is logged and counted as a crash; the actor stops with {@code reason} regardless.
     *
     * @param ctx    the actor's context
     * @param reason why the actor stops
     * @throws Exception logged, never rethrown
     */
    default void onStop(ActorContext<M> ctx, ExitReason reason) throws Exception {
    }
}
