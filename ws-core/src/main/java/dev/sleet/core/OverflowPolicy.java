package dev.sleet.core;

/**
 * What a connection does when a send would take its queued outbound bytes over the configured cap
 * ({@code maxQueuedBytes} on the server or client builder) — the slow-consumer policy.
 */
public enum OverflowPolicy {
    /** Close the connection with 1008 (policy violation), discarding what it had not yet written. The default. */
    CLOSE,
    /** Discard the new message and keep the connection; {@link SendResult#DROPPED} tells the caller. */
    DROP
}
