package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.SendResult;
import dev.sleet.core.OverflowPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outbound backpressure: a raw client that never reads fills its socket buffers, then its queue; under the
 * default policy the connection is closed with 1008 and the queue never grows past the cap plus one message.
 * Under DROP, sends report DROPPED and the connection stays.
 */
@ExtendWith(HandlerThreads.class)
class SlowConsumerTest {
    static final int CAP = 256 * 1024;
    static final byte[] CHUNK = new byte[16 * 1024];

    /** Floods a connection from its own actor as soon as it opens, recording the largest queue seen. */
    static final class Flooder extends RecordingHandler {
        final AtomicLong maxQueued = new AtomicLong();
        volatile SendResult last;
        volatile int dropped;

        @Override
        public void onOpen(Connection connection) {
            super.onOpen(connection);
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    SendResult r = connection.send(CHUNK);
                    last = r;
                    maxQueued.accumulateAndGet(connection.queuedBytes(), Math::max);
                    if (r == SendResult.DROPPED) {
                        dropped++;
                    }
                    if (r == SendResult.CLOSED) {
                        return;
                    }
                    if (r == SendResult.DROPPED && dropped > 200) {
                        return;
                    }
                }
            });
        }
    }

    @Test
    void neverReadingClientIsClosedWith1008AndMemoryStaysBounded() throws Exception {
        Flooder handler = new Flooder();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(CAP).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.socket().setReceiveBufferSize(4096);
            CloseStatus status = handler.awaitClose();
            assertEquals(1008, status.code());
            assertEquals(SendResult.CLOSED, handler.last);
            assertTrue(handler.maxQueued.get() <= CAP + CHUNK.length + 16,
                    "queue stayed within the cap: " + handler.maxQueued.get());
            assertEquals(1, server.metrics().slowConsumerCloses());
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void dropPolicyKeepsTheConnectionAndCountsDrops() throws Exception {
        Flooder handler = new Flooder();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(CAP).overflowPolicy(OverflowPolicy.DROP).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            Await.until(() -> handler.dropped > 200, Duration.ofSeconds(30), "more than 200 sends dropped");
            assertTrue(server.metrics().slowConsumerDrops() > 200);
            assertEquals(1, server.connectionCount(), "the connection stays open");
            assertTrue(server.connections().get(0).queuedBytes() <= CAP + CHUNK.length + 16);
            // now read: the queued messages arrive intact, in order, as whole frames
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
            assertEquals(CHUNK.length, f.payload().length);
        }
    }
}
