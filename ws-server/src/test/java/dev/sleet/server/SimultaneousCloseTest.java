package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The close machine under forced orderings (RFC 6455 §7.1.2–§7.1.3): both sides start the close at once, and a
 * handler closes while the peer's close waits in its mailbox. Each case must end with exactly one close frame from
 * the server, one {@code onClose} with the first cause, and TCP closed without waiting for the close timeout (set
 * to a minute here, so waiting for it would fail the test's own timeout).
 */
class SimultaneousCloseTest {

    @Test
    void handlerClosesWhileThePeersCloseWaitsInItsMailbox() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch peerClosed = new CountDownLatch(1);
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onMessage(Connection connection, Message message) throws InterruptedException {
                inHandler.countDown();
                peerClosed.await(20, TimeUnit.SECONDS); // the peer's close is parsed meanwhile
                connection.close(4000, "handler says bye");
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .blockingHandlers(true).closeTimeout(Duration.ofMinutes(1)).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("hold on");
            assertTrue(inHandler.await(20, TimeUnit.SECONDS));
            long before = server.metrics().bytesIn();
            ws.sendClose(4001, "peer says bye"); // 6 + 2 + 13 bytes
            ws.sendText("after the close: dropped"); // 6 + 24 bytes; RFC 6455 §5.5.1: nothing after a close counts
            // The loop reads (and at once parses) both frames while the handler is still busy.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.metrics().bytesIn() < before + 21 + 30 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            peerClosed.countDown();

            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(20));
            assertEquals(4000, close.closeCode(), "the server's one close frame: the handler's");
            assertTrue(ws.awaitEof(Duration.ofSeconds(20)), "TCP closed without the close timeout");
            CloseStatus reported = handler.awaitClose();
            // The peer's close is normally parsed first (4001); on a loop preempted between counting and parsing
            // the handler's close can come first (4000). Either way it is the first cause, reported once.
            assertTrue(reported.code() == 4001 || reported.code() == 4000, "the first cause: " + reported);
            assertEquals(1, handler.closeCounts.values().iterator().next().get(), "onClose ran once");
        }
    }

    @Test
    void bothSidesCloseAtOnce() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onOpen(Connection connection) {
                super.onOpen(connection);
                Thread.ofVirtual().start(() -> {
                    try {
                        go.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    connection.close(4002, "server side");
                });
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .closeTimeout(Duration.ofMinutes(1)).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            handler.awaitOpen();
            go.countDown();
            ws.sendClose(4003, "client side");
            RawWebSocket.Frame first = ws.readFrame(Duration.ofSeconds(20));
            assertEquals(Opcode.CLOSE, first.opcode());
            assertTrue(first.closeCode() == 4002 || first.closeCode() == 4003, "ours or the echo: " + first);
            assertTrue(ws.awaitEof(Duration.ofSeconds(20)), "TCP closed without the close timeout");
            int reported = handler.awaitClose().code();
            assertTrue(reported == 4002 || reported == 4003, "the first cause: " + reported);
            assertEquals(1, handler.closeCounts.values().iterator().next().get(), "onClose ran once");
        }
    }
}
