package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sleet chat --metrics}: {@code GET /metrics} over a real socket answers in Prometheus text format with the
 * {@code sleet_} meters to a loopback client, is refused with 403 to a client a trusted proxy names as remote, and
 * is a 404 without the flag.
 */
class ChatMetricsEndpointTest {
    static final String GET_METRICS = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    Rooms rooms;
    WebSocketServer server;

    @BeforeEach
    void start() {
        rooms = Rooms.create();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        rooms.close();
    }

    private ChatServer.Metrics startWithMetrics(String... trustedProxies) throws Exception {
        ChatServer.Metrics metrics = new ChatServer.Metrics();
        ChatServer.Chat chat = new ChatServer.Chat(rooms, ChatServer.Settings.defaults(), "127.0.0.1", false);
        WebSocketServer.Builder b = ChatServer.builder(chat, "127.0.0.1", 0, null, null, metrics);
        if (trustedProxies.length > 0) {
            b.trustedProxies(trustedProxies);
        }
        server = b.start();
        metrics.bind(server, rooms, false);
        return metrics;
    }

    @Test
    void loopbackClientGetsPrometheusTextWithSleetMeters() throws Exception {
        startWithMetrics();
        RawWebSocket ws = RawWebSocket.connect(server.port(), "/chat?room=lobby&name=ann", "");
        ChatServerTest.until(ws, "welcome");
        ws.sendText("hello");
        ChatServerTest.until(ws, "hello");

        RawHttp.Response r = RawHttp.exchange(server.port(), GET_METRICS, Duration.ofSeconds(10));
        assertEquals(200, r.status(), r.body());
        assertEquals(ChatServer.Metrics.CONTENT_TYPE, r.header("Content-Type"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("no-store", r.header("Cache-Control"));
        String body = r.body();
        assertTrue(body.contains("# TYPE sleet_messages_in_messages_total counter"), body);
        assertTrue(body.contains("sleet_messages_in_messages_total{server=\"chat\"} 1.0"), body);
        assertTrue(body.contains("sleet_connections_open_connections{server=\"chat\"} 1.0"), body);
        assertTrue(body.contains("sleet_handshakes_total{result=\"accepted\",server=\"chat\"} 1.0"), body);
        assertTrue(body.contains("sleet_rooms_active_rooms{server=\"chat\"} 1.0"), body);
        assertTrue(body.contains("sleet_listeners{listener=\"127.0.0.1:" + server.port()), body);
        assertFalse(body.contains("sleet_deflate_"), "deflate meters only with --deflate");
        ws.close();
    }

    @Test
    void clientNamedByATrustedProxyIsRefused() throws Exception {
        startWithMetrics("127.0.0.1/32");
        RawHttp.Response r = RawHttp.exchange(server.port(),
                "GET /metrics HTTP/1.1\r\nHost: x\r\nForwarded: for=203.0.113.7\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(10));
        assertEquals(403, r.status(), r.body());
        assertFalse(r.body().contains("sleet_"), r.body());
        assertEquals(200, RawHttp.exchange(server.port(),
                "GET /metrics HTTP/1.1\r\nHost: x\r\nForwarded: for=127.0.0.1\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(10)).status(), "a proxy naming a loopback client");
    }

    @Test
    void withoutTheFlagMetricsIsNotFound() throws Exception {
        server = ChatServer.builder(rooms, "127.0.0.1", 0, null, null).start();
        RawHttp.Response r = RawHttp.exchange(server.port(), GET_METRICS, Duration.ofSeconds(10));
        assertEquals(404, r.status(), r.body());
        assertFalse(r.body().contains("sleet_"), r.body());
    }
}
