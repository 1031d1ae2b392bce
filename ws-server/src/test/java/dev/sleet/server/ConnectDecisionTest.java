package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code onConnect} sees the upgrade request (LIFE-01) and can refuse it with an HTTP status before the 101 is
 * written (LIFE-02); subprotocols (RFC 6455 §4.2.2 /subprotocol/) and the Origin allow-list (§10.2) are applied.
 */
@ExtendWith(HandlerThreads.class)
class ConnectDecisionTest {
    static final BlockingQueue<UpgradeRequest> seen = new ArrayBlockingQueue<>(16);
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .subprotocols("chat.v2", "chat.v1")
                .allowedOrigins("https://app.example.com", "https://*.example.org")
                .handler(new RecordingHandler() {
                    @Override
                    public ConnectDecision onConnect(UpgradeRequest request) {
                        HandlerThreads.record("onConnect");
                        seen.add(request);
                        return switch (request.path()) {
                            case "/private" -> ConnectDecision.reject(401, "token required");
                            case "/forbidden" -> ConnectDecision.reject(403, "not for you");
                            case "/state" -> ConnectDecision.accept("user-42");
                            default -> ConnectDecision.accept();
                        };
                    }

                    @Override
                    public void onMessage(Connection connection, Message message) {
                        HandlerThreads.record("onMessage");
                        connection.send(connection.state(String.class) + "|" + connection.subprotocol().orElse("-"));
                    }
                }).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rejectedUpgradesShowTheirStatusToTheClient() throws Exception {
        assertEquals(401, TestClient.statusOfRefusedUpgrade(server.port(), "/private"));
        assertEquals(403, TestClient.statusOfRefusedUpgrade(server.port(), "/forbidden"));
        assertEquals(0, server.connectionCount());
        assertTrue(server.metrics().rejectedHandshakes() >= 2);
    }

    @Test
    void rejectionAnswersWithTheReasonAndClosesTcp() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET /private HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                Duration.ofSeconds(5));
        assertEquals(401, r.status());
        assertTrue(r.body().contains("token required"), r.body());
        assertTrue(r.closed(), "TCP closes after a rejection");
    }

    @Test
    void handlerSeesPathQueryHeadersAndAddresses() throws Exception {
        seen.clear();
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/room/7?user=ann%20b&x=1&x=2",
                "X-Trace: abc\r\nx-trace: def\r\n")) {
            UpgradeRequest r = seen.poll(5, TimeUnit.SECONDS);
            assertEquals("/room/7", r.path());
            assertEquals("user=ann%20b&x=1&x=2", r.rawQuery());
            assertEquals("ann b", r.queryParam("user").orElseThrow());
            assertEquals(java.util.List.of("1", "2"), r.queryParams().get("x"));
            assertEquals(java.util.List.of("abc", "def"), r.headers().all("X-TRACE"));
            assertEquals("127.0.0.1", r.remoteAddress().getAddress().getHostAddress());
            assertEquals(server.port(), r.localAddress().getPort());
        }
    }

    @Test
    void acceptedStateAndSubprotocolReachTheConnection() throws Exception {
        try (TestClient c = TestClient.connect(TestClient.HTTP, URI.create("ws://127.0.0.1:" + server.port() + "/state"),
                "chat.v1")) {
            assertEquals("chat.v1", c.ws.getSubprotocol());
            c.ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertEquals("user-42|chat.v1", c.awaitText());
        }
    }

    @Test
    void originOutsideTheAllowListGets403() throws Exception {
        String upgrade = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        assertEquals(403, RawHttp.exchange(server.port(), upgrade + "Origin: https://evil.example.net\r\n\r\n",
                Duration.ofSeconds(5)).status());
        assertEquals(101, RawHttp.exchange(server.port(), upgrade + "Origin: https://app.example.com\r\n\r\n",
                Duration.ofMillis(500)).status());
        assertEquals(101, RawHttp.exchange(server.port(), upgrade + "Origin: https://a.b.example.org\r\n\r\n",
                Duration.ofMillis(500)).status());
    }
}
