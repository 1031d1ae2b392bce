package dev.sleet.client;

import dev.sleet.core.Connection;
import dev.sleet.frame.CloseStatus;
import java.time.Duration;

/**
 * Hears what a connection's {@link ReconnectPolicy} does ({@link ConnectOptions.Builder#reconnect}). Called on a
 * worker thread (never an I/O thread), one call at a time per connection.
 */
public interface ReconnectListener {
    /** Listens to nothing and lets every attempt the policy allows go ahead. */
    ReconnectListener NONE = (attempt, delay, lost, lastFailure) -> true;

    /**
     * Attempt {@code attempt} (from 1) will start after {@code delay}. {@code lost} is the close status of the
     * connection that was lost; {@code lastFailure} why the previous attempt failed (null before the first).
     *
     * @return false to stop reconnecting
     */
    boolean reconnecting(int attempt, Duration delay, CloseStatus lost, Throwable lastFailure);

    /** Attempt {@code attempt} opened {@code connection}; the handler's {@code onOpen} has run for it. */
    default void reconnected(Connection connection, int attempt) {
    }

    /** No attempt is left (the policy's limit, or {@link #reconnecting} said stop); the last failure, if any. */
    default void gaveUp(int attempts, Throwable lastFailure) {
    }
}
