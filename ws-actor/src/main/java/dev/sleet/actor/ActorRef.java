package dev.sleet.actor;

/**
 * The address of an actor. Every method is safe to call from any thread; refs are compared by identity.
 *
 * <p>{@link #tell} enqueues and returns at once. A message from one sender to one actor is delivered in the
 * order sent. {@link TellResult#ENQUEUED} means the mailbox accepted the message; an actor that stops before
 * reaching it does not handle it (it is counted as a dead letter in {@link SystemMetrics}).
 *
 * @param <M> the type of messages the actor accepts
 */
public interface ActorRef<M> {

    /**
     * Sends a message without waiting.
     *
     * @param message the message, not {@code null}
     * @return {@link TellResult#ENQUEUED}; {@link TellResult#MAILBOX_FULL} or {@link TellResult#DROPPED} when a
     *     bounded mailbox is full; {@link TellResult#DEAD} when the actor has stopped or its system is
     *     shutting down
     * @throws NullPointerException if {@code message} is {@code null}
     */
    TellResult tell(M message);

    /**
     * Whether the actor still accepts messages. A stopping actor answers {@code false} from the moment its
     * {@link Actor#onStop} begins.
     *
     * @return {@code true} until the actor stops
     */
    boolean isAlive();

    /**
     * The actor's id, unique within its system.
     *
     * @return the id
     */
    long id();

    /**
     * The debugging name given in {@link SpawnOptions#name(String)}, or {@code "actor"}.
     *
     * @return the name
     */
    String name();

    /**
     * How many messages wait in the mailbox (a moment's snapshot; signals not included).
     *
     * @return the number of queued messages
     */
    int mailboxSize();

    /**
     * Asks the actor to stop with {@link ExitReason.Normal}. Asynchronous: the actor finishes the message it
     * is handling, if any, then stops; messages still in its mailbox are not handled. Does nothing if the
     * actor has stopped or a stop was already requested.
     */
    void stop();

    /**
     * Asks the actor to stop with {@link ExitReason.Killed}; otherwise like {@link #stop()}. A kill is never
     * answered by a supervised restart.
     *
     * @param reason why, carried in the exit reason; not {@code null}
     */
    void kill(Object reason);
}
