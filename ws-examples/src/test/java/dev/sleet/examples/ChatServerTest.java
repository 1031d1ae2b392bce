package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.MiniJson;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat example's protocol without a browser: page, welcome, member list and deltas, messages, validation. */
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
    static String until(RawWebSocket ws, String fragment) throws Exception {
        for (int i = 0; i < 50; i++) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(10));
            assertNotNull(f, "timed out waiting for " + fragment);
            if (f.text().contains(fragment)) {
                return f.text();
            }
        }
        throw new AssertionError("never saw " + fragment);
    }

    /** Every text frame up to and including the first that contains {@code fragment}. */
    static List<String> readUntil(RawWebSocket ws, String fragment) throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(10));
            assertNotNull(f, "timed out waiting for " + fragment + "; saw " + seen);
            seen.add(f.text());
            if (f.text().contains(fragment)) {
                return seen;
            }
        }
        throw new AssertionError("never saw " + fragment);
    }

    @SuppressWarnings("unchecked")
    static List<String> memberNames(String membersEvent) {
        Map<String, Object> e = (Map<String, Object>) MiniJson.parse(membersEvent);
        assertEquals("members", e.get("type"), membersEvent);
        return ((List<Map<String, Object>>) e.get("members")).stream().map(m -> (String) m.get("name")).toList();
    }

    @Test
    void servesItsPageScriptAndStyle() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", Duration.ofSeconds(5));
        assertEquals(200, r.status());
        assertTrue(r.header("content-type").startsWith("text/html"));
        assertTrue(r.body().contains("<script src=\"/chat.js\"></script>"), r.body());
        assertFalse(r.body().contains("<style"), "no inline style: the CSP allows none");
        assertEquals(1, r.body().split("<script").length - 1, "one script element, with src");
        assertEquals(404, RawHttp.exchange(server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(5)).status());
        RawHttp.Response js = RawHttp.exchange(server.port(), "GET /chat.js HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(5));
        assertEquals(200, js.status());
        assertTrue(js.header("content-type").startsWith("text/javascript"));
        assertTrue(js.body().contains("new WebSocket("));
        RawHttp.Response css = RawHttp.exchange(server.port(), "GET /chat.css HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(5));
        assertEquals(200, css.status());
        assertTrue(css.header("content-type").startsWith("text/css"));
    }

    @Test
    void routesServeTheChatAtSlashChatOnlyAndTheFilesOverOneKeptAliveConnection() throws Exception {
        String upgrade = " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assertEquals(404, RawHttp.exchange(server.port(), "GET /elsewhere" + upgrade, Duration.ofSeconds(5)).status(),
                "no catch-all WebSocket handler: only /chat upgrades");
        assertEquals(426, RawHttp.exchange(server.port(), "GET /chat HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(5)).status(), "/chat is a WebSocket");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /chat.js HTTP/1.1\r\nHost: x\r\n\r\nGET /chat.css HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String all = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(3, all.split("HTTP/1.1 200 ", -1).length - 1, "three answers on one connection, then close");
            assertTrue(all.indexOf("text/html") < all.indexOf("text/javascript")
                    && all.indexOf("text/javascript") < all.indexOf("text/css"), "in order");
        }
    }

    @Test
    void pageHeadersForbidSniffingFramingReferrersAndForeignContent() throws Exception {
        for (String path : List.of("/", "/chat.js", "/chat.css", "/nope")) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n",
                    Duration.ofSeconds(5));
            assertEquals("nosniff", r.header("x-content-type-options"), path);
            assertEquals("no-referrer", r.header("referrer-policy"), path);
            String csp = r.header("content-security-policy");
            assertNotNull(csp, path);
            for (String directive : List.of("default-src 'none'", "script-src 'self'", "style-src 'self'",
                    "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")) {
                assertTrue(csp.contains(directive), path + ": " + csp);
            }
            assertFalse(csp.contains("unsafe"), csp);
        }
    }

    @Test
    void newcomerGetsTheListOthersGetDeltasMessagesReachTheRoomOnly() throws Exception {
        try (RawWebSocket ann = join("ann", "lobby")) {
            String welcome = until(ann, "welcome");
            assertTrue(welcome.contains("\"name\":\"ann\"") && welcome.contains("\"maxBytes\":4096"), welcome);
            assertEquals(List.of("ann"), memberNames(until(ann, "\"type\":\"members\"")));
            try (RawWebSocket bob = join("bob", "lobby"); RawWebSocket eve = join("eve", "other")) {
                assertEquals(List.of("ann", "bob"), memberNames(until(bob, "\"type\":\"members\"")));
                String bobJoined = until(ann, "\"type\":\"join\"");
                assertTrue(bobJoined.matches("\\{\"type\":\"join\",\"id\":\"\\d+\",\"name\":\"bob\"}"), bobJoined);
                ann.sendText("hi \"bob\"");
                assertEquals("{\"type\":\"message\",\"from\":\"ann\",\"text\":\"hi \\\"bob\\\"\"}", until(bob, "hi "));
                assertEquals(List.of("eve"), memberNames(until(eve, "\"type\":\"members\"")));
                ann.close();
                String annLeft = until(bob, "\"type\":\"leave\"");
                assertTrue(annLeft.contains("\"name\":\"ann\""), annLeft);
                eve.sendText("anyone?");
                until(eve, "anyone?"); // queued for every member of "other" by now
                bob.sendText("alone");
                List<String> seen = readUntil(bob, "alone");
                assertFalse(seen.stream().anyMatch(t -> t.contains("anyone?")), "nothing from another room: " + seen);
            }
        }
    }

    @Test
    void badRoomNamesAreRefused() throws Exception {
        RawWebSocket.HandshakeFailed e = assertThrows(RawWebSocket.HandshakeFailed.class,
                () -> join("x", "no%20spaces"));
        assertEquals(400, e.status());
    }
}
