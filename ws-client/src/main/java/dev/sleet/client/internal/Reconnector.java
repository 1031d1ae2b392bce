package dev.sleet.client.internal;

import dev.sleet.client.ConnectOptions;
import dev.sleet.client.ReconnectListener;
import dev.sleet.client.ReconnectPolicy;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.frame.CloseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One logical connection with a {@link ReconnectPolicy}: when its current connection is lost, it waits the policy's
 * delay and connects again (same URI, options and handler), until a connection opens or the policy (or the listener)
 * says stop. The listener runs on a common-pool or timer-wheel thread, never a loop.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>{@code attempt}, {@code lost}</td><td>the thread running the current step (one step at a time: a
 *       step starts only when the previous one ended)</td><td>the same</td><td>happens-before through the
 *       timer / future hand-offs</td></tr>
 * </table>
 */
final class Reconnector {
    private final ClientCore client;
    private final URI uri;
    private final ConnectOptions options;
    private final ConnectionHandler handler;
    private final ReconnectPolicy policy;
    private final ReconnectListener listener;
    private int attempt;
    private CloseStatus lost;

    Reconnector(ClientCore client, URI uri, ConnectOptions options, ConnectionHandler handler) {
        this.client = client;
        this.uri = uri;
        this.options = options;
        this.handler = handler;
        this.policy = options.reconnect();
        this.listener = options.reconnectListener();
    }

    URI uri() {
        return uri;
    }

    /** The connection it kept open was lost with {@code status} (called off the loop). */
    void lost(CloseStatus status) {
        lost = status;
        attempt = 0;
        next(null);
    }

    private void next(Throwable lastFailure) {
        if (client.isClosing()) {
            return;
        }
        int n = attempt + 1;
        Optional<Duration> delay = policy.delay(n, ThreadLocalRandom.current());
        boolean go;
        try {
            go = delay.isPresent() && listener.reconnecting(n, delay.get(), lost, lastFailure);
        } catch (RuntimeException e) {
            go = false;
        }
        if (!go) {
            listener.gaveUp(attempt, lastFailure);
            return;
        }
        attempt = n;
        client.actors().timers().schedule(delay.get(), () -> client.completeOffLoop(this::attempt));
    }

    private void attempt() {
        if (client.isClosing()) {
            return;
        }
        client.connectOnce(uri, options, handler, this).whenComplete((Connection c, Throwable failure) -> {
            if (failure == null) {
                listener.reconnected(c, attempt);
            } else {
                next(failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
    }
}
