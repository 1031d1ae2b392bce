package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.SendResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The writability signal: a producer that sends only while {@link Connection#isWritable()} and resumes in
 * {@link WebSocketHandler#onWritable} streams any amount into a slow reader without ever being cut at 1008, and
 * the queue stays near the high-water mark instead of the cap.
 */
@ExtendWith(HandlerThreads.class)
class WritabilityProducerTest {
    static final int CAP = 256 * 1024;
    static final int CHUNK = 8 * 1024;
    static final int MESSAGES = 1500; // ~12 MiB: 48 times the cap

    /** Sends numbered messages while writable; resumes on onWritable. Runs only in the connection's actor. */
    static final class Producer extends RecordingHandler {
        int next;
        final AtomicInteger writableCalls = new AtomicInteger();
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicLong maxQueued = new AtomicLong();
        volatile SendResult worst = SendResult.ENQUEUED;

        @Override
        public void onOpen(Connection connection) {
            super.onOpen(connection);
            pump(connection);
        }

        @Override
        public void onWritable(Connection connection) {
            HandlerThreads.record("onWritable");
            writableCalls.incrementAndGet();
            pump(connection);
        }

        private void pump(Connection c) {
            while (next < MESSAGES) {
                if (!c.isWritable()) {
                    pauses.incrementAndGet();
                    return; // onWritable resumes
                }
                ByteBuffer m = ByteBuffer.allocate(CHUNK);
                m.putInt(0, next);
                SendResult r = c.send(m);
                if (r != SendResult.ENQUEUED) {
                    worst = r;
                    return;
                }
                maxQueued.accumulateAndGet(c.queuedBytes(), Math::max);
                next++;
            }
        }
    }

    @Test
    void aProducerThatHonoursWritabilityIsNeverCutAt1008() throws Exception {
        Producer handler = new Producer();
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(64 * 1024); // before connecting, so the window stays small
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(CAP).pingInterval(Duration.ZERO).start()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
            RawWebSocket ws = RawWebSocket.upgradeOn(socket, "/", "");
            for (int i = 0; i < MESSAGES; i++) {
                if (i % 16 == 0) {
                    LockSupport.parkNanos(5_000_000); // a slow reader: the server's queue fills meanwhile
                }
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(20));
                assertTrue(f != null, "message " + i + " arrived");
                assertEquals(Opcode.BINARY, f.opcode(), "message " + i + ": " + f);
                assertEquals(CHUNK, f.payload().length);
                assertEquals(i, ByteBuffer.wrap(f.payload()).getInt(), "in order");
            }
            assertEquals(SendResult.ENQUEUED, handler.worst, "no send was refused");
            assertEquals(0, server.metrics().slowConsumerCloses());
            assertTrue(handler.pauses.get() > 0, "the producer was paused by the high-water mark");
            assertTrue(handler.writableCalls.get() > 0, "and resumed by onWritable");
            assertTrue(handler.maxQueued.get() < CAP / 2 + CHUNK + 128,
                    "the queue stayed at the high-water mark plus one message: " + handler.maxQueued.get());
            assertEquals(1, server.connectionCount());
            ws.close();
        }
    }

    @Test
    void isWritableIsFalseOnceClosed() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                TestClient client = TestClient.connect(server.port())) {
            Connection c = handler.opened.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(c.isWritable());
            c.close();
            assertFalse(c.isWritable());
        }
    }

    @Test
    void waterMarksAreCheckedAgainstTheCapAndEachOther() {
        RecordingHandler h = new RecordingHandler();
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .handler(h).maxQueuedBytes(1000).writeHighWater(1001).start());
        assertTrue(high.getMessage().contains("writeHighWater"), high.getMessage());
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                .handler(h).writeHighWater(1000).writeLowWater(1000).start());
        assertTrue(low.getMessage().contains("writeLowWater"), low.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().writeHighWater(0));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().writeLowWater(-1));
    }
}
