package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heartbeat with short test intervals: idle connections are pinged (BEAT-01), a client that answers stays
 * (BEAT-03), a silent one is closed after the pong timeout (BEAT-04), and client pings are answered with the same
 * payload (BEAT-02, RFC 6455 §5.5.2-3).
 */
class HeartbeatTest {
    static final RecordingHandler handler = new RecordingHandler();
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .pingInterval(Duration.ofMillis(200)).pongTimeout(Duration.ofMillis(300)).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void silentClientIsPingedThenDropped() throws Exception {
        long timeoutsBefore = server.metrics().heartbeatTimeouts();
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            RawWebSocket.Frame ping = ws.readFrame(Duration.ofSeconds(5));
            assertNotNull(ping, "an idle connection is pinged");
            assertEquals(Opcode.PING, ping.opcode());
            // never answer: the server gives up after the pong timeout
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(5));
            assertNotNull(close, "the server closes a silent connection");
            assertEquals(1001, close.closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(5)), "and drops TCP without waiting");
        }
        CloseStatus status = handler.awaitClose(s -> s.reason().contains("heartbeat"));
        assertEquals(1001, status.code());
        assertEquals(timeoutsBefore + 1, server.metrics().heartbeatTimeouts());
    }

    @Test
    void clientThatAnswersPingsStays() throws Exception {
        try (TestClient c = TestClient.connect(server.port())) { // the JDK client answers pings by itself
            Thread.sleep(1500); // several ping rounds
            c.ws.sendText("alive?", true).get(5, TimeUnit.SECONDS);
            assertEquals("alive?", c.awaitText());
            assertTrue(!c.closed.isDone(), "not closed");
        }
        assertTrue(server.metrics().pingsSent() >= 2);
        assertTrue(server.metrics().pongsReceived() >= 2);
    }

    @Test
    void rawClientAnsweringWithMatchingPongStays() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            for (int i = 0; i < 4; i++) {
                RawWebSocket.Frame ping = ws.readFrame(Duration.ofSeconds(5));
                assertEquals(Opcode.PING, ping.opcode());
                ws.sendFrame(true, 0, Opcode.PONG, ping.payload());
            }
            ws.sendText("still open");
            RawWebSocket.Frame f;
            do {
                f = ws.readFrame(Duration.ofSeconds(5));
                if (f.opcode() == Opcode.PING) {
                    ws.sendFrame(true, 0, Opcode.PONG, f.payload());
                }
            } while (f.opcode() == Opcode.PING);
            assertEquals("still open", f.text());
        }
    }

    @Test
    void pongWithTheWrongPayloadDoesNotCount() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            RawWebSocket.Frame ping = ws.readFrame(Duration.ofSeconds(5));
            assertEquals(Opcode.PING, ping.opcode());
            ws.sendFrame(true, 0, Opcode.PONG, new byte[] {1, 2, 3}); // not the ping's payload (BEAT-03)
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(5));
            assertNotNull(close);
            assertEquals(1001, close.closeCode());
        }
    }

    @Test
    void clientPingIsAnsweredWithTheSamePayload() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            byte[] payload = "are you there".getBytes();
            ws.sendFrame(true, 0, Opcode.PING, payload);
            RawWebSocket.Frame f;
            do {
                f = ws.readFrame(Duration.ofSeconds(5));
            } while (f.opcode() == Opcode.PING);
            assertEquals(Opcode.PONG, f.opcode());
            assertEquals("are you there", f.text());
        }
    }
}
