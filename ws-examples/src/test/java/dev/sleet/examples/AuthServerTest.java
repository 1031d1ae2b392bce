package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The async-auth example: a token in the query or an Authorization header, checked off the server's threads. */
class AuthServerTest {
    static final Duration T = Duration.ofSeconds(20);
    static final String UPGRADE = "HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    AuthServer.TokenService auth;
    WebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        auth = new AuthServer.TokenService(Map.of("t-alice", "alice"));
        server = AuthServer.builder("127.0.0.1", 0, auth).start();
    }

    @AfterEach
    void stop() {
        server.close();
        auth.close();
    }

    @Test
    void aKnownTokenInTheQueryOpens() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/ws?token=t-alice", "")) {
            assertEquals("hello alice", ws.readFrame(T).text());
            ws.sendText("hi");
            assertEquals("alice: hi", ws.readFrame(T).text());
        }
    }

    @Test
    void aKnownBearerTokenOpens() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/ws", "Authorization: Bearer t-alice\r\n")) {
            assertEquals("hello alice", ws.readFrame(T).text());
        }
    }

    @Test
    void anUnknownTokenGets401WithTheChallenge() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET /ws?token=wrong " + UPGRADE + "\r\n", T);
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"sleet\", error=\"invalid_token\"", r.header("WWW-Authenticate"));
        assertTrue(r.body().contains("unknown token"), r.body());
        assertTrue(r.closed());
        RawHttp.Response h = RawHttp.exchange(server.port(),
                "GET /ws " + UPGRADE + "Authorization: Bearer wrong\r\n\r\n", T);
        assertEquals(401, h.status());
    }

    @Test
    void noTokenGets401AndOtherPaths404() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET /ws " + UPGRADE + "\r\n", T);
        assertEquals(401, r.status());
        assertEquals("Bearer realm=\"sleet\"", r.header("WWW-Authenticate"));
        assertEquals(404, RawHttp.exchange(server.port(), "GET /other " + UPGRADE + "\r\n", T).status());
    }
}
