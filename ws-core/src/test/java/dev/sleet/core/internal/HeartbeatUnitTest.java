package dev.sleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.actor.Cancellable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Heartbeat} on a hand-driven clock and timer: which check runs when, what it sends, and which pongs count
 * (RFC 6455 §5.5.3: a pong answers the ping whose payload it echoes).
 */
class HeartbeatUnitTest {
    static final long MS = 1_000_000L;

    /** A connection that records what the heartbeat did to it. */
    static final class FakePeer implements Heartbeat.Peer {
        final List<ByteBuffer> pings = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        boolean acceptsPings = true;

        @Override
        public long id() {
            return 42;
        }

        @Override
        public boolean sendPing(ByteBuffer frame) {
            if (!acceptsPings) {
                return false;
            }
            pings.add(frame);
            events.add("ping");
            return true;
        }

        @Override
        public void idleTimeout() {
            events.add("idle");
        }

        @Override
        public void heartbeatTimeout() {
            events.add("no pong");
        }

        @Override
        public void failed(Throwable t) {
            events.add("failed " + t);
        }

        /** The payload of the last ping (the frame is 2 header bytes + 8 payload bytes, unmasked). */
        ByteBuffer lastPayload() {
            ByteBuffer f = pings.get(pings.size() - 1).duplicate();
            f.position(f.position() + 2);
            return f.slice();
        }
    }

    /** A timer that remembers the one pending check; the test fires it. */
    static final class ManualTimer implements Heartbeat.Timer {
        Runnable task;
        long delay;
        int scheduled;
        boolean cancelled;

        @Override
        public Cancellable schedule(long delayNanos, Runnable t) {
            task = t;
            delay = delayNanos;
            scheduled++;
            cancelled = false;
            return new Cancellable() {
                @Override
                public boolean cancel() {
                    cancelled = true;
                    return true;
                }

                @Override
                public boolean isCancelled() {
                    return cancelled;
                }
            };
        }
    }

    record Durations(long pingIntervalNanos, long pongTimeoutNanos, long idleTimeoutNanos)
            implements Heartbeat.Settings {
    }

    final FakePeer peer = new FakePeer();
    final ManualTimer timer = new ManualTimer();
    long now = 1_000 * MS;

    Heartbeat heartbeat(long pingMs, long pongMs, long idleMs) {
        return new Heartbeat(peer, null, new Durations(pingMs * MS, pongMs * MS, idleMs * MS), new Metrics(), timer,
                () -> now);
    }

    void advanceAndFire(long ms) {
        now += ms * MS;
        Runnable t = timer.task;
        timer.task = null;
        t.run();
    }

    @Test
    void pingsAfterAnIntervalOfSilenceAndAcceptsTheEchoedPong() {
        Heartbeat hb = heartbeat(100, 50, 0);
        hb.start(now);
        assertEquals(100 * MS, timer.delay);
        advanceAndFire(100);
        assertEquals(List.of("ping"), peer.events);
        assertTrue(hb.awaitingPong());
        assertEquals(50 * MS, timer.delay, "next check at the pong deadline");

        hb.touch(now); // the pong is input: the loop stamps every read
        hb.pong(peer.lastPayload());
        assertFalse(hb.awaitingPong());
        advanceAndFire(50);
        assertEquals(List.of("ping"), peer.events, "no timeout once the pong came, and no ping before the interval");
    }

    @Test
    void aPongWithAnotherPayloadDoesNotCount() {
        Heartbeat hb = heartbeat(100, 50, 0);
        hb.start(now);
        advanceAndFire(100);
        ByteBuffer wrong = ByteBuffer.allocate(8).putLong(0, peer.lastPayload().getLong(0) + 1);
        hb.pong(wrong);
        hb.pong(ByteBuffer.allocate(0));
        hb.pong(ByteBuffer.allocate(9));
        assertTrue(hb.awaitingPong(), "wrong, empty and odd-sized pongs leave the ping outstanding");
        advanceAndFire(50);
        assertEquals(List.of("ping", "no pong"), peer.events);
        assertEquals(null, timer.task, "nothing scheduled after giving up");
    }

    @Test
    void aPongForAnEarlierPingDoesNotSettleTheLatest() {
        Heartbeat hb = heartbeat(100, 50, 0);
        hb.start(now);
        advanceAndFire(100);
        ByteBuffer first = peer.lastPayload();
        hb.pong(first);
        advanceAndFire(50); // settled; still silent for more than the interval, so the next ping goes out
        assertEquals(List.of("ping", "ping"), peer.events);
        hb.pong(first); // a stale echo of the first ping
        assertTrue(hb.awaitingPong());
        advanceAndFire(50);
        assertEquals(List.of("ping", "ping", "no pong"), peer.events);
    }

    @Test
    void inputPostponesThePing() {
        Heartbeat hb = heartbeat(100, 50, 0);
        hb.start(now);
        now += 80 * MS;
        hb.touch(now);
        advanceAndFire(20); // 100 ms after start, but only 20 ms of silence
        assertEquals(List.of(), peer.events);
        assertEquals(80 * MS, timer.delay, "checks again when the interval of silence ends");
        advanceAndFire(80);
        assertEquals(List.of("ping"), peer.events);
    }

    @Test
    void idleTimeoutClosesEvenWhenPongsComeBack() {
        Heartbeat hb = heartbeat(0, 50, 300);
        hb.start(now);
        assertEquals(300 * MS, timer.delay);
        advanceAndFire(300);
        assertEquals(List.of("idle"), peer.events);
    }

    @Test
    void bothOffSchedulesNothing() {
        Heartbeat hb = heartbeat(0, 50, 0);
        hb.start(now);
        assertEquals(0, timer.scheduled);
    }

    @Test
    void stopCancelsThePendingCheckAndLaterFiringsDoNothing() {
        Heartbeat hb = heartbeat(100, 50, 0);
        hb.start(now);
        Runnable pending = timer.task;
        hb.stop();
        assertTrue(timer.cancelled);
        now += 500 * MS;
        pending.run();
        assertEquals(List.of(), peer.events);
    }

    @Test
    void aConnectionThatNoLongerSendsIsNotWaitedFor() {
        Heartbeat hb = heartbeat(100, 50, 0);
        hb.start(now);
        peer.acceptsPings = false;
        advanceAndFire(100);
        assertFalse(hb.awaitingPong(), "no ping went out, so no pong is awaited");
        advanceAndFire(50);
        assertEquals(List.of(), peer.events);
    }
}
