package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.core.SendResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The close handshake at connection level (PROTO-07, RFC 6455 §5.5.1, §7): a peer's close is echoed and TCP
 * closed; a server close waits for the peer's answer and gives up after the close timeout; a peer that vanishes
 * gives {@code onClose} 1006 (LIFE-04).
 */
@ExtendWith(HandlerThreads.class)
class CloseHandshakeTest {
    static final RecordingHandler handler = new RecordingHandler() {
        @Override
        public void onMessage(Connection connection, Message message) throws Exception {
            if (message instanceof Message.Text t && t.text().startsWith("close-me")) {
                HandlerThreads.record("onMessage");
                connection.close(4000, "as you wish");
                return;
            }
            super.onMessage(connection, message);
        }
    };
    /** Gives up on a silent peer quickly: 500 ms. */
    static WebSocketServer server;
    /** Waits far longer for the peer's close than any test does: what ends its connections is never the timeout. */
    static WebSocketServer patient;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .closeTimeout(Duration.ofMillis(500)).start();
        patient = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .closeTimeout(Duration.ofMinutes(10)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        patient.close();
    }

    @Test
    void peerCloseIsEchoedAndTcpClosed() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendClose(4321, "bye now");
            RawWebSocket.Frame echo = ws.awaitClose(Duration.ofSeconds(5));
            assertNotNull(echo);
            assertEquals(4321, echo.closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(5)), "the server closes TCP after echoing (§7.1.1)");
        }
        CloseStatus s = handler.awaitClose(c -> c.code() == 4321);
        assertEquals("bye now", s.reason());
    }

    @Test
    void emptyCloseIsEchoedEmptyAndReportedAs1005() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendFrame(true, 0, Opcode.CLOSE, new byte[0]);
            RawWebSocket.Frame echo = ws.awaitClose(Duration.ofSeconds(5));
            assertNotNull(echo);
            assertEquals(0, echo.payload().length);
        }
        handler.awaitClose(c -> c.code() == 1005);
    }

    @Test
    void serverCloseWaitsForThePeerThenTimesOut() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("close-me");
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertNotNull(close, "the server's close frame");
            assertEquals(4000, close.closeCode());
            assertEquals("as you wish", close.closeReason());
            // never answer: TCP is closed once the close timeout passes (§7.1.1); that it waits for the peer's
            // answer before that is serverCloseAnsweredByThePeerEndsPromptly's job
            assertTrue(ws.awaitEof(Duration.ofSeconds(20)), "the server gave up on the silent peer");
        }
        handler.awaitClose(c -> c.code() == 4000);
    }

    /**
     * §7.1.1-2, §5.5.1: after sending its close the server keeps reading until the peer's close arrives, then closes
     * TCP at once. The server's close timeout is 10 minutes, so the end of TCP seen here is the answer's doing; and
     * the server read the answer (its byte count grew after its own close frame was out), so it had not dropped the
     * connection right after sending its close.
     */
    @Test
    void serverCloseAnsweredByThePeerEndsPromptly() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(patient.port())) {
            ws.sendText("close-me too");
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertNotNull(close, "the server's close frame");
            assertEquals(4000, close.closeCode());
            long bytesInBeforeAnswer = patient.metrics().bytesIn();
            ws.sendClose(4000, "");
            assertTrue(ws.awaitEof(Duration.ofSeconds(30)), "TCP closes on the answer, long before the timeout");
            assertTrue(patient.metrics().bytesIn() > bytesInBeforeAnswer,
                    "the server was still reading when the answer came");
        }
        handler.awaitClose(c -> c.code() == 4000);
    }

    @Test
    void vanishedPeerGives1006() throws Exception {
        RawWebSocket ws = RawWebSocket.connect(server.port());
        ws.sendText("x");
        ws.readFrame(Duration.ofSeconds(5));
        ws.close(); // TCP gone, no close frame
        CloseStatus s = handler.awaitClose(c -> c.code() == 1006);
        assertTrue(s.reason().contains("without a close frame"), s.reason());
    }

    @Test
    void closeFutureCompletesWithTheFinalStatusEvenWhenAskedLate() throws Exception {
        handler.opened.clear();
        RawWebSocket ws = RawWebSocket.connect(server.port());
        Connection conn = handler.awaitOpen();
        var early = conn.closeFuture().toCompletableFuture();
        ws.sendClose(4100, "later");
        assertEquals(4100, early.get(5, java.util.concurrent.TimeUnit.SECONDS).code());
        ws.close();
        var late = conn.closeFuture().toCompletableFuture();
        assertTrue(late.isDone(), "a stage asked for after the end is already complete");
        assertEquals(4100, late.get().code());
    }

    @Test
    void sendsAfterCloseAreRefused() throws Exception {
        handler.opened.clear();
        try (TestClient c = TestClient.connect(server.port())) {
            Connection conn = handler.awaitOpen();
            conn.close(1000, "done");
            assertEquals(SendResult.CLOSED, conn.send("late"));
            assertEquals(1000, c.awaitCloseCode(5));
        }
    }
}
