package dev.sleet.actor;

/**
 * A snapshot of an {@link ActorSystem}'s counters. Counters are read without stopping the system, so the
 * figures of one snapshot may be a few operations apart.
 *
 * @param workers           worker threads of the dispatcher
 * @param liveActors        actors spawned and not yet stopped
 * @param actorsSpawned     actors spawned since the system started
 * @param actorsStopped     actors stopped since the system started
 * @param messagesProcessed messages and signals handled
 * @param crashes           exceptions thrown by handlers (each crash, restarted or not)
 * @param restarts          supervised restarts
 * @param deadLetters       messages told to stopped actors, or left in a mailbox when its actor stopped
 * @param mailboxRejected   tells refused by a full bounded mailbox ({@link MailboxOverflowPolicy#REJECT})
 * @param mailboxDropped    messages discarded by a full bounded mailbox ({@link MailboxOverflowPolicy#DROP_NEWEST})
 * @param pendingTimers     timers neither fired nor cancelled
 */
public record SystemMetrics(int workers, long liveActors, long actorsSpawned, long actorsStopped,
                            long messagesProcessed, long crashes, long restarts, long deadLetters,
                            long mailboxRejected, long mailboxDropped, long pendingTimers) {
}
