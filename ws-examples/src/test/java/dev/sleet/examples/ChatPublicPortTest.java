package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.MiniJson;
import dev.sleet.testkit.RawWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat on a public port, over real sockets (the JDK's WebSocket client and ws-testkit's raw client): a page
 * from a foreign origin gets 403, an oversized message close 1009, a flood close 1008, and the member list travels
 * as deltas. No test here asserts a duration: each waits for the event it expects (timeouts only bound a failure).
 */
class ChatPublicPortTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    Rooms rooms;
    WebSocketServer server;
    final HttpClient http = HttpClient.newHttpClient();

    private WebSocketServer start(ChatServer.Settings settings) throws Exception {
        rooms = Rooms.create();
        server = ChatServer.builder(rooms, "127.0.0.1", 0, null, null, settings).start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            rooms.close();
        }
        http.close();
    }

    private RawWebSocket raw(String name, String extraHeaders) throws Exception {
        return RawWebSocket.connect(server.port(), "/chat?room=lobby&name=" + name, extraHeaders);
    }

    private int statusWithOrigin(String... origins) throws Exception {
        StringBuilder headers = new StringBuilder();
        for (String o : origins) {
            headers.append("Origin: ").append(o).append("\r\n");
        }
        try (RawWebSocket ws = raw("o", headers.toString())) {
            return 101;
        } catch (RawWebSocket.HandshakeFailed e) {
            return e.status();
        }
    }

    // ---- 1. Origin ---------------------------------------------------------------------------------------------

    @Test
    void onlyTheServersOwnOriginOrNoOriginMayConnect() throws Exception {
        start(ChatServer.Settings.defaults());
        int port = server.port();
        assertEquals(101, statusWithOrigin("http://127.0.0.1:" + port));
        assertEquals(101, statusWithOrigin("http://localhost:" + port));
        assertEquals(101, statusWithOrigin("http://LOCALHOST:" + port));
        assertEquals(101, statusWithOrigin(), "no Origin: not a browser page, let through");
        assertEquals(403, statusWithOrigin("http://evil.example"));
        assertEquals(403, statusWithOrigin("http://evil.example:" + port), "a rebound DNS name is still foreign");
        assertEquals(403, statusWithOrigin("http://127.0.0.1:" + (port == 1 ? 2 : 1)), "another port");
        assertEquals(403, statusWithOrigin("https://127.0.0.1:" + port), "another scheme");
        assertEquals(403, statusWithOrigin("null"), "opaque origins (sandboxed frames, file://)");
        assertEquals(403, statusWithOrigin("http://127.0.0.1:" + port, "http://evil.example"), "two Origin fields");
    }

    @Test
    void aForeignOriginGets403FromTheJdkClientToo() throws Exception {
        start(ChatServer.Settings.defaults());
        CompletableFuture<WebSocket> ws = http.newWebSocketBuilder().header("Origin", "https://evil.example")
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat?name=x"), new Collector());
        ExecutionException e = assertThrows(ExecutionException.class, () -> ws.get(20, TimeUnit.SECONDS));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(403, h.getResponse().statusCode());
    }

    @Test
    void allowOriginAddsOrigins() throws Exception {
        start(ChatServer.Settings.defaults().withAllowOrigins(List.of("https://chat.example.com",
                "https://*.example.org")));
        assertEquals(101, statusWithOrigin("https://chat.example.com"));
        assertEquals(101, statusWithOrigin("https://chat.example.com:443"));
        assertEquals(101, statusWithOrigin("https://a.example.org"));
        assertEquals(403, statusWithOrigin("https://example.org"));
        assertEquals(403, statusWithOrigin("http://chat.example.com"));
        assertEquals(101, statusWithOrigin("http://127.0.0.1:" + server.port()), "its own origin still");
    }

    @Test
    void ownOriginsFollowTheSchemeTheHostAndTheAddressARequestArrivedOn() throws Exception {
        java.net.InetSocketAddress lan = new java.net.InetSocketAddress(java.net.InetAddress.getByName("192.0.2.7"), 8443);
        ChatServer.OwnOrigins tls = new ChatServer.OwnOrigins("chat.example.com", true, List.of());
        assertTrue(tls.allows("https://chat.example.com:8443", lan));
        assertTrue(tls.allows("https://localhost:8443", lan));
        assertTrue(tls.allows("https://192.0.2.7:8443", lan), "the address the page was loaded from");
        assertTrue(tls.allows("https://[::1]:8443", lan));
        assertFalse(tls.allows("http://chat.example.com:8443", lan), "the page is https");
        assertFalse(tls.allows("https://chat.example.com", lan), "another port");
        assertFalse(tls.allows("https://other.example.com:8443", lan));
        ChatServer.OwnOrigins any = new ChatServer.OwnOrigins("0.0.0.0", false, List.of());
        assertFalse(any.allows("http://0.0.0.0:8443", lan), "a wildcard bind address is no origin");
        assertTrue(any.allows("http://127.0.0.1:8443", lan));
        ChatServer.OwnOrigins v6 = new ChatServer.OwnOrigins("::1", false, List.of());
        assertTrue(v6.allows("http://[::1]:80", new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 80)));
        assertTrue(v6.allows("http://[::1]", new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 80)),
                "the default port may be left out");
    }

    @Test
    void aMalformedAllowOriginIsRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatServer.Settings.defaults().withAllowOrigins(List.of("chat.example.com")));
        assertTrue(e.getMessage().contains("chat.example.com"), e.getMessage());
    }

    // ---- 2. Message size ---------------------------------------------------------------------------------------

    @Test
    void fourKibPassAndFiveKibCloseWith1009() throws Exception {
        start(ChatServer.Settings.defaults());
        Collector c = new Collector();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat?name=big"), c)
                .get(20, TimeUnit.SECONDS);
        c.next("\"type\":\"members\"");
        String fits = "é".repeat(2048); // 4096 bytes of UTF-8
        ws.sendText(fits, true).get(20, TimeUnit.SECONDS);
        assertTrue(c.next("\"type\":\"message\"").contains(fits));
        ws.sendText("x".repeat(5 * 1024), true);
        assertEquals(1009, c.closeCode.get(20, TimeUnit.SECONDS));
    }

    // ---- 3. Rate ----------------------------------------------------------------------------------------------

    @Test
    void aFloodBeyondTheRateIsClosedWith1008AndOthersGoOn() throws Exception {
        start(ChatServer.Settings.defaults().withRate(1, 5));
        try (RawWebSocket flood = raw("flood", ""); RawWebSocket calm = raw("calm", "")) {
            ChatServerTest.until(calm, "\"type\":\"members\"");
            for (int i = 0; i < 50; i++) {
                try {
                    flood.sendText("spam " + i);
                } catch (java.io.IOException e) {
                    break; // the server already closed the connection
                }
            }
            int broadcast = 0;
            RawWebSocket.Frame close = null;
            for (int i = 0; i < 200 && close == null; i++) {
                RawWebSocket.Frame f = flood.readFrame(WAIT);
                assertNotNull(f, "no close after the flood");
                if (f.opcode() == dev.sleet.frame.Opcode.CLOSE) {
                    close = f;
                } else if (f.text().contains("spam ")) {
                    broadcast++;
                }
            }
            assertNotNull(close);
            assertEquals(1008, close.closeCode());
            assertTrue(close.closeReason().startsWith("rate limit: more than 1 messages/s (burst 5)"),
                    close.closeReason());
            assertTrue(broadcast >= 5 && broadcast < 50, "the burst went through, the flood did not: " + broadcast);
            calm.sendText("still fine");
            ChatServerTest.until(calm, "still fine");
        }
    }

    @Test
    void theRateLimiterTakesABurstThenTheRateWithoutATimer() {
        ChatServer.Chat chat = new ChatServer.Chat(Rooms.create(), ChatServer.Settings.defaults(), "0.0.0.0", false);
        ChatServer.Chat.Member m = new ChatServer.Chat.Member("ann", "lobby");
        long t = 1_000_000_000_000L;
        for (int i = 0; i < 20; i++) {
            assertTrue(chat.allow(m, t), "burst message " + i);
        }
        assertFalse(chat.allow(m, t), "21st at once");
        assertFalse(chat.allow(m, t + 99_000_000L), "not yet a tenth of a second later");
        assertTrue(chat.allow(m, t + 100_000_000L), "one more each 100 ms (10/s)");
        assertFalse(chat.allow(m, t + 100_000_000L));
        assertTrue(chat.allow(m, t + 1_100_000_000L));
        long later = t + 60_000_000_000L; // a quiet minute refills the bucket to the burst, no more
        for (int i = 0; i < 20; i++) {
            assertTrue(chat.allow(m, later), "refilled burst message " + i);
        }
        assertFalse(chat.allow(m, later));
    }

    // ---- 4. Member deltas -------------------------------------------------------------------------------------

    @Test
    void churnGivesAStayingMemberOneJoinAndOneLeavePerPeerNeverTheWholeList() throws Exception {
        start(ChatServer.Settings.defaults());
        Collector sam = new Collector();
        WebSocket samWs = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat?room=lobby&name=sam"), sam)
                .get(20, TimeUnit.SECONDS);
        sam.next("\"type\":\"members\"");
        int peers = 12;
        AtomicInteger ok = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                String name = "peer-" + i;
                done.add(pool.submit(() -> {
                    try (RawWebSocket p = raw(name, "")) {
                        List<String> list = ChatServerTest.memberNames(ChatServerTest.until(p, "\"type\":\"members\""));
                        assertTrue(list.contains("sam") && list.contains(name), list.toString());
                        p.sendClose(1000, "bye");
                        p.awaitEof(WAIT);
                        ok.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        assertEquals(peers, ok.get());
        Map<String, String> joinedNames = new HashMap<>();
        Map<String, Integer> joins = new HashMap<>();
        Map<String, Integer> leaves = new HashMap<>();
        int lists = 0;
        while (leaves.size() < peers) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) MiniJson.parse(sam.next(""));
            String id = (String) e.get("id");
            switch ((String) e.get("type")) {
                case "join" -> {
                    joins.merge(id, 1, Integer::sum);
                    joinedNames.put(id, (String) e.get("name"));
                }
                case "leave" -> leaves.merge(id, 1, Integer::sum);
                case "members" -> lists++;
                default -> throw new AssertionError("unexpected " + e);
            }
        }
        samWs.sendText("sentinel", true); // everything queued for sam before this comes first
        List<String> rest = new ArrayList<>();
        String last;
        while (!(last = sam.next("")).contains("sentinel")) {
            rest.add(last);
        }
        assertEquals(List.of(), rest, "nothing after the last leave");
        assertEquals(0, lists, "no member list after sam's own");
        assertEquals(peers, joins.size());
        assertTrue(joins.values().stream().allMatch(n -> n == 1), joins.toString());
        assertEquals(joins.keySet(), leaves.keySet());
        assertTrue(leaves.values().stream().allMatch(n -> n == 1), leaves.toString());
        assertEquals(peers, joinedNames.values().stream().distinct().filter(n -> n.startsWith("peer-")).count());
        samWs.sendClose(1000, "").get(20, TimeUnit.SECONDS);
    }

    /** A JDK WebSocket listener that queues whole text messages and remembers the close code. */
    static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        /** The next text that contains {@code fragment}, skipping others. */
        String next(String fragment) throws InterruptedException, TimeoutException {
            while (true) {
                String t = texts.poll(20, TimeUnit.SECONDS);
                if (t == null) {
                    throw new TimeoutException("no text containing " + fragment);
                }
                if (t.contains(fragment)) {
                    return t;
                }
            }
        }
    }
}
