package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.SendResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After a slow-consumer close (1008: the peer does not read), the server stops reading and unmasking that peer's
 * data too; the socket closes once the close frame is out or the close timeout passes. Before connection core v2 it
 * went on reading at full speed until the close timeout.
 */
class PolicyCloseStopsReadingTest {
    static final long OFFERED = 64L << 20;

    @Test
    void aPeerClosedForNotReadingIsNotReadEither() throws Exception {
        CompletableFuture<Long> bytesInAtClose = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<WebSocketServer> self = new java.util.concurrent.atomic.AtomicReference<>();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onOpen(Connection connection) {
                super.onOpen(connection);
                // From another thread, so the loop writes between sends and the peer's buffers fill up first: the
                // 1008 frame then waits behind bytes the peer never takes.
                Thread.ofVirtual().start(() -> {
                    byte[] chunk = new byte[16 * 1024];
                    // First fill the kernel's buffers: send while each chunk leaves the queue (is written).
                    boolean socketFull = false;
                    while (!socketFull) {
                        connection.send(chunk);
                        long deadline = System.nanoTime() + 200_000_000L;
                        while (connection.queuedBytes() > 0 && System.nanoTime() < deadline) {
                            Thread.yield();
                        }
                        socketFull = connection.queuedBytes() > 0;
                    }
                    // Then overflow the queue: the 1008 frame waits behind bytes the peer never takes.
                    while (connection.send(chunk) == SendResult.ENQUEUED) {
                        Thread.yield();
                    }
                    bytesInAtClose.complete(self.get().metrics().bytesIn());
                });
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(256 * 1024).closeTimeout(Duration.ofSeconds(60)).start()) {
            self.set(server);
            try (SocketChannel ch = RawSockets.upgraded(server.port(), 4096)) {
                long before = bytesInAtClose.get(30, TimeUnit.SECONDS);
                // One binary message that never finishes: a first frame, then continuation frames.
                boolean[] first = {true};
                long written = RawSockets.writeUntilStalled(ch, () -> {
                    Opcode op = first[0] ? Opcode.BINARY : Opcode.CONTINUATION;
                    first[0] = false;
                    return ByteBuffer.wrap(RawWebSocket.encode(false, 0, op, new byte[60_000]));
                }, OFFERED);
                assertTrue(written < OFFERED, "the server stopped taking the peer's bytes; it took " + written);
                long read = server.metrics().bytesIn() - before;
                assertTrue(read < 16L << 20, "read after the 1008: " + read + " bytes");
                assertEquals(0, handler.closes.size(), "still waiting for the close timeout, not ended early");
            }
        }
    }
}
