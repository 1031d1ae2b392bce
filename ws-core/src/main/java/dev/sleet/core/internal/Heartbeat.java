package dev.sleet.core.internal;

import dev.sleet.actor.Cancellable;
import dev.sleet.frame.Frames;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Keeps one connection honest (RFC 6455 §5.5.2–§5.5.3): pings it after {@code pingInterval} without input, expects
 * the pong that echoes that ping's payload within {@code pongTimeout}, and applies the optional idle timeout. It
 * costs one entry on a timer wheel shared by every connection, rescheduled as it fires — never a thread or a
 * periodic task per connection.
 *
 * <p>All its state is confined to the connection's event loop: the timer only hands a check to the loop. The
 * durations are read from the server's settings when needed, not copied into each connection.
 */
public final class Heartbeat implements Runnable {

    /** The connection side of a heartbeat; every call is made on the connection's loop. */
    interface Peer extends EventLoop.Guarded {
        /** The connection's id; mixed into ping payloads so they differ between connections. */
        long id();

        /** Queues a ping frame; false when the connection no longer sends. */
        boolean sendPing(ByteBuffer frame);

        /** Nothing was received for the idle timeout. */
        void idleTimeout();

        /** The pong for the last ping did not come in time. */
        void heartbeatTimeout();
    }

    /** The durations, in nanoseconds; zero turns a feature off (never zero for the pong timeout). */
    public interface Settings {
        long pingIntervalNanos();

        long pongTimeoutNanos();

        long idleTimeoutNanos();
    }

    /** Where the heartbeat schedules its next check: the server's shared timer wheel. */
    public interface Timer {
        Cancellable schedule(long delayNanos, Runnable task);
    }

    /**
     * What every heartbeat of one server shares (immutable, one per server), so that a connection keeps one
     * reference to it instead of four.
     */
    public record Shared(Settings settings, Metrics metrics, Timer timer, LongSupplier clock) {
        /**
         * What the heartbeats of {@code host}'s connections share: the durations of its configuration and its actor
         * system's timer wheel, both read when used (a host may build this before its configuration and actor
         * system are assigned), and the nano clock.
         */
        public static Shared of(ConnectionHost host, Metrics metrics) {
            Settings settings = new Settings() {
                @Override
                public long pingIntervalNanos() {
                    return host.connectionConfig().pingInterval().toNanos();
                }

                @Override
                public long pongTimeoutNanos() {
                    return host.connectionConfig().pongTimeout().toNanos();
                }

                @Override
                public long idleTimeoutNanos() {
                    return host.connectionConfig().idleTimeout().toNanos();
                }
            };
            return new Shared(settings, metrics,
                    (delayNanos, task) -> host.actors().timers().schedule(java.time.Duration.ofNanos(delayNanos), task),
                    System::nanoTime);
        }
    }

    private final Peer peer;
    private final EventLoop loop;
    private final Shared shared;

    private long lastRead;
    /**
     * When the outstanding ping was sent. The ping's payload is this time mixed with the connection's id, so it
     * is not kept apart: two pings of one connection are never sent at the same instant (a pong timeout lies between).
     */
    private long pingSentAt;
    private boolean awaitingPong;
    private boolean running;
    private Cancellable pending;

    /**
     * @param loop the connection's loop, or null when every call is already made on one thread (tests)
     */
    Heartbeat(Peer peer, EventLoop loop, Shared shared) {
        this.peer = peer;
        this.loop = loop;
        this.shared = shared;
    }

    /** A heartbeat with its own {@link Shared} (tests). */
    Heartbeat(Peer peer, EventLoop loop, Settings settings, Metrics metrics, Timer timer, LongSupplier clock) {
        this(peer, loop, new Shared(settings, metrics, timer, clock));
    }

    /** The timer fired (on the timer thread): hand the check to the loop. */
    @Override
    public void run() {
        if (loop == null || loop.inLoop()) {
            check();
        } else {
            loop.execute(peer, this); // runs again on the loop, where it checks; no lambda per firing
        }
    }

    /** Input arrived: any frame counts as life. */
    void touch(long now) {
        lastRead = now;
    }

    void start(long now) {
        Settings settings = shared.settings;
        lastRead = now;
        long first = Long.MAX_VALUE;
        if (settings.pingIntervalNanos() > 0) {
            first = settings.pingIntervalNanos();
        }
        if (settings.idleTimeoutNanos() > 0) {
            first = Math.min(first, settings.idleTimeoutNanos());
        }
        if (first != Long.MAX_VALUE) {
            running = true;
            schedule(first);
        }
    }

    void stop() {
        running = false;
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
    }

    /** A pong arrived: it settles the outstanding ping only if it carries that ping's payload. */
    void pong(ByteBuffer payload) {
        if (awaitingPong && payload.remaining() == Long.BYTES
                && payload.getLong(payload.position()) == payloadOf(pingSentAt)) {
            awaitingPong = false;
        }
    }

    /** True while a ping is out and its pong has not come back (for tests). */
    boolean awaitingPong() {
        return awaitingPong;
    }

    private void check() {
        if (!running) {
            return;
        }
        pending = null;
        Settings settings = shared.settings;
        long now = shared.clock.getAsLong();
        long idle = now - lastRead;
        long idleTimeout = settings.idleTimeoutNanos();
        if (idleTimeout > 0 && idle >= idleTimeout) {
            running = false;
            peer.idleTimeout();
            return;
        }
        long next = Long.MAX_VALUE;
        if (awaitingPong) {
            long waited = now - pingSentAt;
            if (waited >= settings.pongTimeoutNanos()) {
                running = false;
                peer.heartbeatTimeout();
                return;
            }
            next = settings.pongTimeoutNanos() - waited;
        } else if (settings.pingIntervalNanos() > 0) {
            if (idle >= settings.pingIntervalNanos()) {
                ping(now);
                next = settings.pongTimeoutNanos();
            } else {
                next = settings.pingIntervalNanos() - idle;
            }
        }
        if (idleTimeout > 0) {
            next = Math.min(next, idleTimeout - idle);
        }
        if (next != Long.MAX_VALUE) {
            schedule(next);
        }
    }

    private void ping(long now) {
        ByteBuffer payload = ByteBuffer.allocate(Long.BYTES).putLong(0, payloadOf(now));
        if (peer.sendPing(Frames.ping(payload))) {
            awaitingPong = true;
            pingSentAt = now;
            shared.metrics.pingsSent.increment();
        }
    }

    /** The payload of a ping sent at {@code sentAt}: differs between connections and between pings. */
    private long payloadOf(long sentAt) {
        return sentAt ^ peer.id();
    }

    private void schedule(long delayNanos) {
        pending = shared.timer.schedule(Math.max(delayNanos, 1_000_000), this);
    }
}
