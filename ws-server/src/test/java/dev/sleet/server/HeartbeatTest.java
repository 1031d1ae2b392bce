package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Heartbeat with short test intervals: idle connections are pinged (BEAT-01), a client that answers stays
 * (BEAT-03), a silent one is closed after the pong timeout (BEAT-04), and client pings are answered with the same
 * payload (BEAT-02, RFC 6455 §5.5.2-3).
 */
@ExtendWith(HandlerThreads.class)
class HeartbeatTest {
    /** Ping rounds a well-behaved client is taken through, and the most a wrong-pong client may see. */
    static final int PING_ROUNDS = 4;

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
        long pongsBefore = server.metrics().pongsReceived();
        try (TestClient c = TestClient.connect(server.port())) { // the JDK client answers pings by itself
            // several ping rounds, counted rather than slept through
            Await.until(() -> server.metrics().pongsReceived() >= pongsBefore + PING_ROUNDS || c.closed.isDone(),
                    Duration.ofSeconds(30), PING_ROUNDS + " pongs from the JDK client");
            assertTrue(!c.closed.isDone(), () -> "closed while answering pings: " + c.closed.join()[0]);
            c.ws.sendText("alive?", true).get(5, TimeUnit.SECONDS);
            assertEquals("alive?", c.awaitText());
            assertTrue(!c.closed.isDone(), "not closed");
        }
        assertTrue(server.metrics().pingsSent() >= PING_ROUNDS);
        assertTrue(server.metrics().pongsReceived() >= pongsBefore + PING_ROUNDS);
    }

    @Test
    void rawClientAnsweringWithMatchingPongStays() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            for (int i = 0; i < PING_ROUNDS; i++) {
                RawWebSocket.Frame ping = ws.readFrame(Duration.ofSeconds(10));
                assertNotNull(ping, "ping " + (i + 1) + " did not come");
                assertEquals(Opcode.PING, ping.opcode());
                ws.sendFrame(true, 0, Opcode.PONG, ping.payload());
            }
            ws.sendText("still open");
            assertEquals("still open", nextNonPing(ws).text());
        }
    }

    /**
     * BEAT-03, RFC 6455 §5.5.3: a pong answers a ping only when it carries that ping's payload. Over the same
     * number of ping rounds, a client that echoes each ping's payload stays open while one that answers each ping
     * with a wrong payload (same length, one bit flipped) is closed 1001 like a silent client (BEAT-04). An
     * implementation that counted any pong would keep pinging the second client: it fails here after
     * {@link #PING_ROUNDS} wrong pongs instead of after a time.
     */
    @Test
    void pongWithTheWrongPayloadDoesNotCount() throws Exception {
        try (RawWebSocket right = RawWebSocket.connect(server.port())) {
            for (int i = 0; i < PING_ROUNDS; i++) {
                RawWebSocket.Frame ping = right.readFrame(Duration.ofSeconds(10));
                assertNotNull(ping, "ping " + (i + 1) + " did not come");
                assertEquals(Opcode.PING, ping.opcode(), "round " + (i + 1) + ": " + ping);
                right.sendFrame(true, 0, Opcode.PONG, ping.payload());
            }
            right.sendText("still open");
            assertEquals("still open", nextNonPing(right).text(), "the right pongs kept the connection");
        }

        long timeoutsBefore = server.metrics().heartbeatTimeouts();
        try (RawWebSocket wrong = RawWebSocket.connect(server.port())) {
            int pings = 0;
            RawWebSocket.Frame close = null;
            while (close == null) {
                RawWebSocket.Frame f = wrong.readFrame(Duration.ofSeconds(10));
                assertNotNull(f, "neither a ping nor a close came");
                switch (f.opcode()) {
                    case PING -> {
                        pings++;
                        assertTrue(pings <= PING_ROUNDS, "still pinged after " + PING_ROUNDS
                                + " pongs with the wrong payload: they were counted as answers");
                        wrong.sendFrame(true, 0, Opcode.PONG, wrongPayload(f.payload()));
                    }
                    case CLOSE -> close = f;
                    default -> fail("unexpected frame " + f);
                }
            }
            assertEquals(1001, close.closeCode(), "closed as a silent client is (BEAT-04)");
            assertTrue(wrong.awaitEof(Duration.ofSeconds(10)), "and TCP dropped");
        }
        CloseStatus status = handler.awaitClose(s -> s.reason().contains("heartbeat"));
        assertEquals(1001, status.code());
        assertEquals(timeoutsBefore + 1, server.metrics().heartbeatTimeouts());
    }

    /** The ping's payload with one bit flipped (or a byte, for an empty one): same length, different content. */
    private static byte[] wrongPayload(byte[] ping) {
        if (ping.length == 0) {
            return new byte[] {1};
        }
        byte[] b = ping.clone();
        b[b.length - 1] ^= 1;
        return b;
    }

    /** The next frame that is not a ping, answering pings on the way. */
    private static RawWebSocket.Frame nextNonPing(RawWebSocket ws) throws Exception {
        RawWebSocket.Frame f;
        do {
            f = ws.readFrame(Duration.ofSeconds(10));
            assertNotNull(f, "no frame came");
            if (f.opcode() == Opcode.PING) {
                ws.sendFrame(true, 0, Opcode.PONG, f.payload());
            }
        } while (f.opcode() == Opcode.PING);
        return f;
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
