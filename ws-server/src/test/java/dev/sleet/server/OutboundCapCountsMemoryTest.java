package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.SendResult;
import dev.sleet.core.OverflowPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.RawWebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbound cap bounds memory, not only wire bytes: each queued frame is charged a fixed overhead, so a handler
 * that queues tiny messages to a peer stops at about cap / (frame + overhead) of them. Before connection core v2,
 * 3.4 MiB of queued 2-byte echoes cost 150 MiB of heap.
 */
class OutboundCapCountsMemoryTest {
    static final int CAP = 64 * 1024;

    @Test
    void tinyMessagesAreChargedTheirOverhead() throws Exception {
        CompletableFuture<int[]> result = new CompletableFuture<>();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onOpen(Connection connection) {
                super.onOpen(connection);
                // Wait until the loop has written the 101; from then on nothing asks it to write before this turn
                // ends (a handler's own sends are held until then), so only the cap stops the loop below.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (connection.queuedBytes() > 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                int enqueued = 0;
                while (connection.send(new byte[2]) == SendResult.ENQUEUED && enqueued < 1_000_000) {
                    enqueued++;
                }
                result.complete(new int[] {enqueued, (int) connection.queuedBytes()});
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(CAP).overflowPolicy(OverflowPolicy.DROP).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            int[] r = result.get(30, TimeUnit.SECONDS);
            int perMessage = 2 + 2 + 64; // header, payload, per-frame charge
            assertTrue(r[0] <= CAP / perMessage, "at most cap / 68 messages queued: " + r[0]);
            assertTrue(r[0] >= CAP / perMessage - 8, "the cap, not something else, stopped the sender: " + r[0]);
            assertTrue(r[1] <= CAP, "queued bytes within the cap: " + r[1]);
            for (int i = 0; i < r[0]; i++) { // every queued message still reaches the peer, intact
                assertEquals(2, ws.readFrame(java.time.Duration.ofSeconds(10)).payload().length);
            }
        }
    }
}
