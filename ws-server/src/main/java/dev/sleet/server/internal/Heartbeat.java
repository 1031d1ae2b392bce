package dev.sleet.server.internal;

import dev.sleet.actor.Cancellable;
import dev.sleet.frame.Frames;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Keeps one connection honest (BEAT-01..05): pings it after {@code pingInterval} without input, expects the pong
 * that echoes that ping's payload within {@code pongTimeout}, and applies the optional idle timeout. It costs one
 * entry on the actor system's shared timer wheel, rescheduled as it fires — never a thread or a periodic task per
 * connection. All state is confined to the connection's event loop: the timer only hands a check to the loop.
 */
final class Heartbeat implements Runnable {
    private final WsConnection connection;
    private final EventLoop loop;
    private final ServerCore server;

    private long lastRead;
    private long pingSentAt;
    private long pingCounter;
    private long awaitedPayload;
    private boolean awaitingPong;
    private boolean running;
    private Cancellable pending;

    Heartbeat(WsConnection connection, EventLoop loop, ServerCore server) {
        this.connection = connection;
        this.loop = loop;
        this.server = server;
    }

    /**
     * The timer fired (on the timer thread): hand the check to the loop. The heartbeat is its own timer callback and
     * loop task, so an idle connection carries no lambdas for it.
     */
    @Override
    public void run() {
        if (loop.inLoop()) {
            check();
        } else {
            loop.execute(connection, this::check);
        }
    }

    // Read from the configuration when needed (every ping interval at most), not copied into each connection.
    private long pingIntervalNanos() {
        return server.config.pingInterval().toNanos();
    }

    private long pongTimeoutNanos() {
        return server.config.pongTimeout().toNanos();
    }

    private long idleTimeoutNanos() {
        return server.config.idleTimeout().toNanos();
    }

    /** Input arrived: any frame counts as life. Loop only. */
    void touch(long now) {
        lastRead = now;
    }

    void start(long now) {
        lastRead = now;
        if (pingIntervalNanos() > 0 || idleTimeoutNanos() > 0) {
            running = true;
            schedule(firstDelay());
        }
    }

    void stop() {
        running = false;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    /** A pong arrived (BEAT-03): it settles the outstanding ping only if it carries that ping's payload. */
    void pong(ByteBuffer payload) {
        if (awaitingPong && payload.remaining() == Long.BYTES
                && payload.getLong(payload.position()) == awaitedPayload) {
            awaitingPong = false;
        }
    }

    private long firstDelay() {
        long d = Long.MAX_VALUE;
        if (pingIntervalNanos() > 0) {
            d = pingIntervalNanos();
        }
        if (idleTimeoutNanos() > 0) {
            d = Math.min(d, idleTimeoutNanos());
        }
        return d;
    }

    private void check() {
        if (!running) {
            return;
        }
        pending = null;
        long now = System.nanoTime();
        long idle = now - lastRead;
        if (idleTimeoutNanos() > 0 && idle >= idleTimeoutNanos()) {
            running = false;
            connection.idleTimeout();
            return;
        }
        long next = Long.MAX_VALUE;
        if (awaitingPong) {
            long waited = now - pingSentAt;
            if (waited >= pongTimeoutNanos()) {
                running = false;
                connection.heartbeatTimeout();
                return;
            }
            next = pongTimeoutNanos() - waited;
        } else if (pingIntervalNanos() > 0) {
            if (idle >= pingIntervalNanos()) {
                ping(now);
                next = pongTimeoutNanos();
            } else {
                next = pingIntervalNanos() - idle;
            }
        }
        if (idleTimeoutNanos() > 0) {
            next = Math.min(next, idleTimeoutNanos() - idle);
        }
        if (next != Long.MAX_VALUE) {
            schedule(next);
        }
    }

    private void ping(long now) {
        awaitedPayload = ++pingCounter ^ connection.id();
        ByteBuffer payload = ByteBuffer.allocate(Long.BYTES).putLong(0, awaitedPayload);
        if (connection.sendHeartbeatPing(Frames.ping(payload))) {
            awaitingPong = true;
            pingSentAt = now;
            server.metrics.pingsSent.increment();
        }
    }

    private void schedule(long delayNanos) {
        pending = server.actors.timers().schedule(Duration.ofNanos(Math.max(delayNanos, 1_000_000)), this);
    }
}
