package dev.sleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.OverflowPolicy;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link Outbound}: the pong budget (RFC 6455 §5.5.3: only the latest ping needs its pong), memory-counting caps,
 * and discards that never cut a frame the writer has already copied out.
 */
class OutboundPongSlotAndOverheadTest {
    private static ByteBuffer bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return ByteBuffer.wrap(b);
    }

    private static byte[] drain(Outbound q) {
        ByteBuffer staging = ByteBuffer.allocate(1 << 16);
        int n = q.stage(staging);
        q.consume(n);
        byte[] out = new byte[n];
        staging.flip().get(out);
        return out;
    }

    /** A pong frame as the queue holds them: FIN + opcode 0xA, a length, then {@code n - 2} bytes of {@code fill}. */
    private static ByteBuffer pong(int n, int fill) {
        ByteBuffer b = bytes(n, fill);
        b.put(0, (byte) 0x8A).put(1, (byte) (n - 2));
        return b;
    }

    @Test
    void everyPingWithinTheBudgetGetsItsPongInOrder() {
        Outbound q = new Outbound();
        for (int i = 0; i < 10; i++) { // Autobahn 2.10: ten pings, ten pongs
            assertTrue(q.offerPong(pong(12, i)));
        }
        assertEquals(10 * (12 + Outbound.FRAME_OVERHEAD), q.queuedBytes());
        byte[] out = drain(q);
        for (int i = 0; i < 10; i++) {
            assertEquals((byte) i, out[i * 12 + 2], "pong " + i + " in its place");
        }
        assertEquals(0, q.pongBytes());
    }

    @Test
    void pastTheBudgetTheNewestPongTakesTheLatestPayload() {
        Outbound q = new Outbound();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(q.offerPong(pong(127, i % 100)));
        }
        assertTrue(q.queuedBytes() <= Outbound.PONG_BUDGET, "bounded: " + q.queuedBytes());
        assertEquals(q.queuedBytes(), q.pongBytes());
        byte[] out = drain(q);
        assertEquals(0, out.length % 127);
        assertEquals((byte) (9_999 % 100), out[out.length - 1], "the last pong answers the latest ping");
        assertEquals(0, q.queuedBytes());
        assertEquals(0, q.pongBytes());
    }

    @Test
    void aPongTheWriterHasCopiedOutIsNeverReplaced() {
        Outbound q = new Outbound();
        while (q.pongBytes() + 127 + Outbound.FRAME_OVERHEAD <= Outbound.PONG_BUDGET) {
            q.offerPong(pong(127, 1)); // fill the budget
        }
        long full = q.queuedBytes();
        ByteBuffer staging = ByteBuffer.allocate(1 << 16);
        int staged = q.stage(staging); // every pong is in flight: the writer may have put them on the wire
        q.offerPong(pong(20, 2)); // must queue behind, not replace
        assertEquals(full + 20 + Outbound.FRAME_OVERHEAD, q.queuedBytes());
        q.consume(staged);
        byte[] rest = drain(q);
        assertEquals(20, rest.length);
        assertEquals(2, rest[2]);
    }

    @Test
    void aWriteOfNothingEndsTheFlightSoReplacingWorksAgain() {
        Outbound q = new Outbound();
        while (q.pongBytes() + 127 + Outbound.FRAME_OVERHEAD <= Outbound.PONG_BUDGET) {
            q.offerPong(pong(127, 1));
        }
        long full = q.queuedBytes();
        q.stage(ByteBuffer.allocate(1 << 16));
        q.consume(0); // the socket took nothing
        q.offerPong(pong(127, 2));
        assertEquals(full, q.queuedBytes(), "replaced, not appended");
    }

    @Test
    void theCapCountsPerFrameOverheadSoTinyFramesCannotHoldUnboundedMemory() {
        Outbound q = new Outbound();
        long cap = 64 * 1024;
        int enqueued = 0;
        while (q.offer(bytes(4, 0), cap, OverflowPolicy.DROP, bytes(4, 0)) == Outbound.Offer.ENQUEUED) {
            enqueued++;
        }
        int perFrame = 4 + Outbound.FRAME_OVERHEAD;
        assertEquals(cap / perFrame, enqueued, "a 4-byte frame costs its bytes plus the overhead");
        assertTrue(q.queuedBytes() <= cap);
    }

    @Test
    void aDiscardKeepsWhatTheWriterHasCopiedOut() {
        Outbound q = new Outbound();
        q.offer(bytes(30, 1), 1 << 20, OverflowPolicy.CLOSE, bytes(2, 9));
        q.offer(bytes(30, 2), 1 << 20, OverflowPolicy.CLOSE, bytes(2, 9));
        q.offer(bytes(30, 3), 1 << 20, OverflowPolicy.CLOSE, bytes(2, 9));
        ByteBuffer staging = ByteBuffer.allocate(45); // the writer copied frame 1 and half of frame 2
        assertEquals(45, q.stage(staging));
        assertTrue(q.seal(bytes(2, 7), true)); // a close that discards what has not started
        q.consume(45);
        byte[] rest = drain(q);
        byte[] expected = new byte[15 + 2];
        java.util.Arrays.fill(expected, 0, 15, (byte) 2);
        expected[15] = 7;
        expected[16] = 7;
        assertArrayEquals(expected, rest, "frame 2 finished whole, frame 3 dropped, then the close");
        assertEquals(0, q.queuedBytes());
    }

    @Test
    void consumeAfterClearCountsNothing() {
        Outbound q = new Outbound();
        q.offer(bytes(30, 1), 1 << 20, OverflowPolicy.CLOSE, bytes(2, 9));
        q.stage(ByteBuffer.allocate(64));
        q.clear();
        q.consume(30);
        assertEquals(0, q.queuedBytes());
    }
}
