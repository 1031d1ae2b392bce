package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that pings and never reads (RFC 6455 §5.5.3 lets the server answer only the latest ping): the server
 * keeps its pongs within a 4 KiB budget, so its queue stays small however many pings arrive. Before
 * connection core v2 every pong was queued outside the cap: 30 MB of pings grew the heap by 288 MiB.
 */
class PingFloodTest {
    @Test
    void aClientThatPingsAndNeverReadsHoldsABoundedAmountOfPongs() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                messages.add(((Message.Text) message).text() + " queued=" + connection.queuedBytes());
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .pingInterval(Duration.ofMinutes(5)).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.socket().setReceiveBufferSize(4096);
            Connection conn = handler.awaitOpen();
            byte[] payload = new byte[125];
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++) {
                batch.write(RawWebSocket.encode(true, 0, Opcode.PING, payload));
            }
            byte[] pings = batch.toByteArray();
            for (int round = 0; round < 100; round++) { // 20,000 pings, 2.6 MB of pongs owed
                ws.sendRaw(pings);
            }
            ws.sendText("after the pings"); // handled after every ping before it was parsed
            String seen = messages.poll(30, TimeUnit.SECONDS);
            assertTrue(seen != null && seen.startsWith("after the pings"), "the marker arrived: " + seen);
            long queued = Long.parseLong(seen.substring(seen.indexOf('=') + 1));
            // The pong budget (4 KiB, charges included); the kernel's buffers hold what went out.
            assertTrue(queued <= 4096, "pongs within their budget, not thousands: " + queued + " bytes");
            assertTrue(conn.queuedBytes() <= 4096, "still within the budget: " + conn.queuedBytes());
            assertTrue(conn.isOpen());
            assertEquals(0, handler.closes.size());
        }
    }
}
