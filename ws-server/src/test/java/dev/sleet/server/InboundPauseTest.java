package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Inbound flow control counts messages, not only payload bytes: a handler that is stuck makes the server stop
 * reading once what it has been handed (payload plus a per-message charge) passes the high-water mark, so a flood
 * of empty messages cannot queue without bound in its mailbox. Before connection core v2, empty messages never
 * paused reading.
 */
class InboundPauseTest {
    static final long TOTAL = 48L << 20; // 8 M empty frames on offer

    @Test
    void emptyMessagesToAStuckHandlerPauseReading() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onMessage(Connection connection, Message message) throws InterruptedException {
                entered.countDown();
                stuck.await(60, TimeUnit.SECONDS);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .blockingHandlers(true).start();
                SocketChannel ch = RawSockets.upgraded(server.port())) {
            try {
                flood(handler, ch, entered);
            } finally {
                stuck.countDown();
            }
        }
    }

    private static void flood(RecordingHandler handler, SocketChannel ch, CountDownLatch entered) throws Exception {
        {
            Connection conn = handler.awaitOpen();
            byte[] one = RawWebSocket.encode(true, 0, Opcode.TEXT, new byte[0]); // 6 bytes, masked
            byte[] chunk = new byte[one.length * 10_000];
            for (int i = 0; i < 10_000; i++) {
                System.arraycopy(one, 0, chunk, i * one.length, one.length);
            }
            // Write until the server stops taking bytes for a while (it paused reading), or everything went.
            long written = RawSockets.writeUntilStalled(ch, () -> ByteBuffer.wrap(chunk), TOTAL);
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            int mailbox = conn.actor().mailboxSize();
            // High water 4 MiB at 64 bytes a message = 65,536, plus what one readiness event still parses (4 reads of
            // 64 KiB at 6 bytes a message).
            assertTrue(mailbox <= 65_536 + 4 * 65_536 / 6 + 10, "messages waiting stay bounded: " + mailbox);
            assertTrue(written < TOTAL, "the server stopped reading; it took " + written + " bytes");
        }
    }
}
