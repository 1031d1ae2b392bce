package dev.sleet.actor;

/** What a bounded mailbox does with a message that arrives when it is full. */
public enum MailboxOverflowPolicy {
    /** Refuse it: {@link ActorRef#tell} answers {@link TellResult#MAILBOX_FULL} so the sender can react. */
    REJECT,
    /** Discard it: {@link ActorRef#tell} answers {@link TellResult#DROPPED}; counted in {@link SystemMetrics}. */
    DROP_NEWEST
}
