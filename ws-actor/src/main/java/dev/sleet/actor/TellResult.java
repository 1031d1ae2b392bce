package dev.sleet.actor;

/** The answer of {@link ActorRef#tell}. */
public enum TellResult {
    /** The mailbox accepted the message. */
    ENQUEUED,
    /** A bounded mailbox with {@link MailboxOverflowPolicy#REJECT} is full; the message was not enqueued. */
    MAILBOX_FULL,
    /** A bounded mailbox with {@link MailboxOverflowPolicy#DROP_NEWEST} is full; the message was discarded. */
    DROPPED,
    /** The actor has stopped (or is stopping), or its system is shutting down; the message was discarded. */
    DEAD;

    /**
     * Whether the message was enqueued.
     *
     * @return {@code true} for {@link #ENQUEUED}
     */
    public boolean accepted() {
        return this == ENQUEUED;
    }
}
