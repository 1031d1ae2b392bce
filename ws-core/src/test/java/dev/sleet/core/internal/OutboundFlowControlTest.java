package dev.sleet.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.OverflowPolicy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link Outbound}'s flow control: a completion is handed back once its frame's last byte is consumed (never
 * earlier), data held behind an open stream goes out after its last fragment while control frames go between, and
 * completions of frames that will never be written are abandoned, not lost.
 */
class OutboundFlowControlTest {
    static final long CAP = 1 << 20;
    static final ByteBuffer CLOSE = ByteBuffer.wrap(new byte[] {(byte) 0x88, 0});

    private static ByteBuffer frame(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return ByteBuffer.wrap(b);
    }

    private static Outbound.Offer offer(Outbound q, ByteBuffer f, int kind, CompletableFuture<Void> done) {
        return q.offer(f, CAP, OverflowPolicy.CLOSE, CLOSE, kind, done);
    }

    @Test
    void aCompletionIsReadyOnlyOnceItsLastByteIsConsumed() {
        Outbound q = new Outbound();
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        offer(q, frame(10, 1), Outbound.DATA, a);
        offer(q, frame(5, 2), Outbound.DATA, null);
        offer(q, frame(10, 3), Outbound.DATA, b);
        ByteBuffer staging = ByteBuffer.allocate(100);
        assertEquals(25, q.stage(staging));
        assertEquals(0, q.consume(9), "one byte of a is still unwritten");
        assertNull(q.takeWritten());
        assertEquals(Outbound.COMPLETIONS_WRITTEN, q.consume(1));
        assertEquals(List.of(a), q.takeWritten());
        assertEquals(0, q.consume(14));
        assertEquals(Outbound.COMPLETIONS_WRITTEN, q.consume(1));
        assertEquals(List.of(b), q.takeWritten());
        assertNull(q.takeAbandoned());
    }

    @Test
    void dataWaitsBehindAnOpenStreamControlFramesDoNot() {
        Outbound q = new Outbound();
        CompletableFuture<Void> held = new CompletableFuture<>();
        assertTrue(q.openStream());
        assertThrows(IllegalStateException.class, q::openStream, "one stream at a time");
        offer(q, frame(3, 1), Outbound.FRAGMENT, null);
        assertEquals(Outbound.Offer.ENQUEUED, offer(q, frame(3, 9), Outbound.DATA, held));
        assertEquals(3 + 3 + 2L * Outbound.FRAME_OVERHEAD, q.queuedBytes(), "held bytes count");
        offer(q, frame(2, 7), Outbound.CONTROL, null);
        offer(q, frame(3, 2), Outbound.LAST_FRAGMENT, null);
        ByteBuffer staging = ByteBuffer.allocate(100);
        int n = q.stage(staging);
        byte[] out = new byte[n];
        staging.flip().get(out);
        assertArrayEquals(new byte[] {1, 1, 1, 7, 7, 2, 2, 2, 9, 9, 9}, out);
        assertEquals(Outbound.COMPLETIONS_WRITTEN, q.consume(n));
        assertEquals(List.of(held), q.takeWritten());
        assertEquals(0, q.queuedBytes());
        assertTrue(q.openStream(), "the next stream may open");
    }

    @Test
    void discardedAndClearedFramesAbandonTheirCompletions() {
        Outbound q = new Outbound();
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> queued = new CompletableFuture<>();
        CompletableFuture<Void> heldBehind = new CompletableFuture<>();
        offer(q, frame(10, 1), Outbound.DATA, started);
        offer(q, frame(10, 2), Outbound.DATA, queued);
        q.openStream();
        offer(q, frame(4, 3), Outbound.FRAGMENT, null);
        offer(q, frame(4, 4), Outbound.DATA, heldBehind);
        ByteBuffer staging = ByteBuffer.allocate(5);
        q.stage(staging);
        q.consume(5); // half of the first frame is out: it must stay
        assertTrue(q.seal(CLOSE.duplicate(), true));
        List<CompletableFuture<Void>> abandoned = q.takeAbandoned();
        assertTrue(abandoned.contains(queued) && abandoned.contains(heldBehind) && !abandoned.contains(started),
                abandoned.toString());
        q.clear();
        assertEquals(List.of(started), q.takeAbandoned(), "the rest goes when the queue is cleared");
        assertEquals(Outbound.Offer.CLOSED, offer(q, frame(1, 1), Outbound.DATA, new CompletableFuture<>()));
        assertNull(q.takeAbandoned(), "a refused offer keeps nothing");
    }
}
