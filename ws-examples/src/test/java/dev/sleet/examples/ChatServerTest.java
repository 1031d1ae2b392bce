package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat example's protocol without a browser: page, welcome, member lists, messages, validation. */
class ChatServerTest {
    Rooms rooms;
    WebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        rooms = Rooms.create();
        server = ChatServer.builder(rooms, "127.0.0.1", 0, null, null).start();
    }

    @AfterEach
    void stop() {
        server.close();
        rooms.close();
    }

    private RawWebSocket join(String name, String room) throws Exception {
        return RawWebSocket.connect(server.port(), "/chat?room=" + room + "&name=" + name, "");
    }

    /** Reads text frames until one contains {@code fragment}. */
    private static String until(RawWebSocket ws, String fragment) throws Exception {
        for (int i = 0; i < 20; i++) {
            String t = ws.readFrame(Duration.ofSeconds(5)).text();
            if (t.contains(fragment)) {
                return t;
            }
        }
        throw new AssertionError("never saw " + fragment);
    }

    @Test
    void servesItsPage() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", Duration.ofSeconds(5));
        assertEquals(200, r.status());
        assertTrue(r.header("content-type").startsWith("text/html"));
        assertTrue(r.body().contains("new WebSocket("));
        assertEquals(404, RawHttp.exchange(server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(5)).status());
    }

    @Test
    void membersAndMessagesReachTheRoomOnly() throws Exception {
        try (RawWebSocket ann = join("ann", "lobby"); RawWebSocket bob = join("bob", "lobby");
                RawWebSocket eve = join("eve", "other")) {
            assertTrue(until(ann, "welcome").contains("\"name\":\"ann\""));
            until(bob, "\"members\":[\"ann\",\"bob\"]");
            ann.sendText("hi \"bob\"");
            assertEquals("{\"type\":\"message\",\"from\":\"ann\",\"text\":\"hi \\\"bob\\\"\"}", until(bob, "hi "));
            until(eve, "\"members\":[\"eve\"]");
            assertEquals(null, eve.readFrame(Duration.ofMillis(200)), "nothing from another room");
            ann.close();
            until(bob, "\"members\":[\"bob\"]");
        }
    }

    @Test
    void badRoomNamesAreRefused() throws Exception {
        RawWebSocket.HandshakeFailed e = org.junit.jupiter.api.Assertions.assertThrows(
                RawWebSocket.HandshakeFailed.class, () -> join("x", "no%20spaces"));
        assertEquals(400, e.status());
    }
}
