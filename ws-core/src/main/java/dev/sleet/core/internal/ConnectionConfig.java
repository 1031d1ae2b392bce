package dev.sleet.core.internal;

import dev.sleet.core.OverflowPolicy;
import java.time.Duration;

/**
 * The per-connection limits the connection core applies, whichever side opened the connection. The server's and
 * the client's configurations implement it (validated by their builders, so nothing here is unset); immutable.
 */
public interface ConnectionConfig {
    /** The largest message accepted, in bytes (larger: 1009). */
    long maxMessageSize();

    /** The largest single frame accepted, in bytes (at most {@link #maxMessageSize()}). */
    long maxFrameSize();

    /** The outbound cap, in bytes of memory (frames plus a fixed overhead each). */
    long maxQueuedBytes();

    /** What a send over the cap does. */
    OverflowPolicy overflowPolicy();

    /** How long a close handshake may take before TCP is dropped. */
    Duration closeTimeout();

    /** Handlers may block: connection actors run on virtual threads. */
    boolean blockingHandlers();

    /** Queued bytes at which a connection turns unwritable. */
    long writeHighWater();

    /** Queued bytes below which it is writable again. */
    long writeLowWater();

    /** Silence after which the heartbeat pings; zero when the heartbeat is off. */
    Duration pingInterval();

    /** How long the heartbeat waits for its pong before closing with 1001. */
    Duration pongTimeout();

    /** Silence after which the connection is closed with 1001; zero when off. */
    Duration idleTimeout();
}
