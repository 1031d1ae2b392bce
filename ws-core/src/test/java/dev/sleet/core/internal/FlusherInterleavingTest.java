package dev.sleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.OverflowPolicy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The flusher's writer rule under forced interleavings: a wire that parks inside {@code write} until the test lets it
 * go holds one thread mid-write at an exact point while another acts. No sleeps: each step waits on a latch.
 */
class FlusherInterleavingTest {

    /** A wire whose writes can be held at their start; writes take at most {@code accept} bytes each. */
    static final class HeldWire implements Wire {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;
        volatile int accept = Integer.MAX_VALUE;
        final List<byte[]> written = new ArrayList<>();

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public int write(ByteBuffer src) {
            if (hold) {
                hold = false;
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = Math.min(accept, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            synchronized (written) {
                written.add(b);
            }
            return n;
        }

        @Override
        public boolean writableFromAnyThread() {
            return true;
        }

        @Override
        public boolean hasPendingOutput() {
            return false;
        }

        @Override
        public boolean flushPending() {
            return true;
        }

        @Override
        public void close() {
        }

        @Override
        public void abort() {
        }
    }

    /** Records what the flusher asks of its connection. */
    static final class Recorder implements Flusher.Owner {
        final List<String> calls = new ArrayList<>();

        @Override
        public void writeInterest(boolean on) {
            calls.add("interest " + on);
        }

        @Override
        public void drained() {
            calls.add("drained");
        }

        @Override
        public void writeFailed(Exception e) {
            calls.add("failed " + e);
        }

        @Override
        public void failed(Throwable t) {
            calls.add("task failed " + t);
        }
    }

    /** Each test's flusher over its own queue, recorder and wire (JUnit makes a new instance per test). */
    private final Outbound outbound = new Outbound();
    private final Recorder owner = new Recorder();
    private final HeldWire wire = new HeldWire();
    private final Flusher flusher = new Flusher(outbound, idleLoop(), new Metrics(), owner);

    @BeforeEach
    void attachWire() {
        flusher.attach(wire);
    }

    private static EventLoop idleLoop() {
        return new EventLoop("test-loop", (name, body) -> new Thread(body, name)); // never started
    }

    private static ByteBuffer frame(int size) {
        return ByteBuffer.allocate(size);
    }

    @Test
    void connectionEndingWhileTheActorWritesNeverLeavesNegativeQueuedBytes() throws Exception {
        for (int i = 0; i < 3; i++) {
            outbound.offer(frame(100), 1 << 20, OverflowPolicy.CLOSE, frame(4));
        }
        wire.hold = true;
        Thread actor = new Thread(() -> {
            flusher.beginTurn();
            flusher.afterOffer();
            flusher.afterOffer(); // two sends held: the actor writes them itself
            flusher.endOfTurn(true);
        }, "actor");
        actor.start();
        assertTrue(wire.entered.await(10, TimeUnit.SECONDS), "the actor reached its write");
        assertEquals(Flusher.ACTOR_WRITING, flusher.state());

        flusher.close(); // the loop ends the connection while the actor is inside write()
        assertEquals(Flusher.CLOSED, flusher.state());
        assertTrue(outbound.queuedBytes() > 0, "the loop left the queue to the writer in flight");

        wire.release.countDown();
        actor.join(10_000);
        assertFalse(actor.isAlive());
        assertEquals(0, outbound.queuedBytes(), "the leaving writer emptied the queue, and not below zero");
        assertEquals(Flusher.CLOSED, flusher.state(), "no writer starts after CLOSED");
        flusher.flush();
        flusher.onWritable();
        assertEquals(Flusher.CLOSED, flusher.state());
    }

    @Test
    void loopFlushWhileTheActorWritesLeavesTheWritingToTheActor() throws Exception {
        outbound.offer(frame(10), 1 << 20, OverflowPolicy.CLOSE, frame(4));
        outbound.offer(frame(10), 1 << 20, OverflowPolicy.CLOSE, frame(4));
        wire.hold = true;
        Thread actor = new Thread(() -> {
            flusher.beginTurn();
            flusher.afterOffer();
            flusher.afterOffer(); // two sends held: the actor writes them itself
            flusher.endOfTurn(true);
        }, "actor");
        actor.start();
        assertTrue(wire.entered.await(10, TimeUnit.SECONDS));

        flusher.flush(); // a flush request reaches the loop meanwhile: it must not write concurrently
        assertEquals(Flusher.ACTOR_WRITING, flusher.state());
        assertEquals(List.of(), owner.calls, "the loop did nothing while the actor held the writer");

        wire.release.countDown();
        actor.join(10_000);
        assertEquals(Flusher.IDLE, flusher.state());
        assertEquals(0, outbound.queuedBytes());
        assertEquals(1, wire.written.size(), "one write carried both frames, by one writer");
    }

    @Test
    void aTurnWithOneSendLeavesTheWriteToTheLoop() {
        outbound.offer(frame(10), 1 << 20, OverflowPolicy.CLOSE, frame(4));

        flusher.beginTurn();
        flusher.afterOffer();
        flusher.endOfTurn(true);
        assertEquals(List.of(), wire.written, "the actor did not write a lone reply");
        assertEquals(Flusher.IDLE, flusher.state());
        assertEquals(10, outbound.queuedBytes() - Outbound.FRAME_OVERHEAD, "the frame waits for the loop");

        flusher.flush(); // the loop takes the flush request the turn left
        assertEquals(1, wire.written.size(), "the loop wrote it");
        assertEquals(0, outbound.queuedBytes());
        assertEquals(Flusher.IDLE, flusher.state());
    }

    @Test
    void aFullSocketParksTheLoopWriterUntilWritable() {
        wire.accept = 30;
        outbound.offer(frame(100), 1 << 20, OverflowPolicy.CLOSE, frame(4));

        flusher.flush();
        assertEquals(Flusher.WAITING_WRITABLE, flusher.state());
        assertEquals(List.of("interest true"), owner.calls);

        // An actor that finishes a turn now (two sends held: it tries to write itself) must not write past the
        // loop's wait.
        flusher.beginTurn();
        flusher.afterOffer();
        flusher.afterOffer();
        flusher.endOfTurn(true);
        assertEquals(Flusher.WAITING_WRITABLE, flusher.state());

        wire.accept = Integer.MAX_VALUE;
        flusher.onWritable();
        assertEquals(Flusher.IDLE, flusher.state());
        assertEquals(List.of("interest true", "interest false"), owner.calls);
        assertEquals(0, outbound.queuedBytes());
        int total = wire.written.stream().mapToInt(b -> b.length).sum();
        assertEquals(100, total, "every byte went out once");
    }

    @Test
    void aSealedQueueThatDrainsTellsTheConnection() {
        outbound.offer(frame(10), 1 << 20, OverflowPolicy.CLOSE, frame(4));
        outbound.seal(frame(4), false);
        flusher.flush();
        assertEquals(List.of("interest false", "drained"), owner.calls);
    }
}
