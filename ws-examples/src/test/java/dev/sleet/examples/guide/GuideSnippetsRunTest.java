package dev.sleet.examples.guide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.frame.CloseCodes;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisServer;
import dev.sleet.testkit.TestCertificates;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the guide's snippets (the regions {@code GuideCodeBlocksMatchSourcesTest} holds docs/guide.md to) against
 * real servers on 127.0.0.1, port 0, with raw WebSocket and HTTP clients: what the guide says they do, they do.
 */
class GuideSnippetsRunTest {
    static final Duration T = Duration.ofSeconds(20);
    static final String UPGRADE = "HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    @Test
    void gettingStartedEchoes() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Echo()).start();
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/", "")) {
            ws.sendText("hi");
            assertEquals("hi", ws.readFrame(T).text());
            ws.sendBinary(new byte[] {1, 2, 3});
            assertEquals(3, ws.readFrame(T).payload().length);
        }
    }

    @Test
    void theCounterKeepsTypedStatePerConnectionAndHearsTicks() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Counter())
                .start();
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/?name=ann", "")) {
            assertEquals("hello ann", ws.readFrame(T).text());
            ws.sendText("abcd");
            assertEquals("1 messages, the last 4 bytes", ws.readFrame(T).text());
            var tick = Ticks.tickEverySecond(server);
            try {
                assertEquals("tick: 1 messages so far", ws.readFrame(T).text());
            } finally {
                tick.cancel();
            }
        }
    }

    @Test
    void theTokenGateReadsAHeaderOrTheQueryAndAnswers401Otherwise() throws Exception {
        AuthClient auth = token -> CompletableFuture.supplyAsync(
                () -> token.equals("t-1") ? Optional.of(new User("ann", "s-9")) : Optional.empty());
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/ws", new TokenGate(auth)).start()) {
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/ws?token=t-1", "")) {
                assertEquals("hello ann", ws.readFrame(T).text());
                assertEquals("sid=s-9; HttpOnly; Secure", ws.handshakeHeader("Set-Cookie"));
            }
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/ws", "Authorization: Bearer t-1\r\n")) {
                assertEquals("hello ann", ws.readFrame(T).text());
            }
            RawHttp.Response none = RawHttp.exchange(server.port(), "GET /ws " + UPGRADE + "\r\n", T);
            assertEquals(401, none.status());
            assertEquals("Bearer realm=\"chat\"", none.header("WWW-Authenticate"));
            RawHttp.Response wrong = RawHttp.exchange(server.port(), "GET /ws?token=nope " + UPGRADE + "\r\n", T);
            assertEquals(401, wrong.status());
            assertTrue(wrong.header("WWW-Authenticate").contains("invalid_token"));
        }
    }

    @Test
    void thePlainHandlerReadsRouteParametersAndCookies() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/pages/{room}", Routing::page).start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /pages/hall HTTP/1.1\r\nHost: x\r\n"
                    + "Cookie: theme=dark\r\nConnection: close\r\n\r\n", T);
            assertEquals(200, r.status());
            assertEquals("room hall, theme dark", r.body());
        }
    }

    @Test
    void roomsBroadcastToTheirMembersAndAnnounceLeaves() throws Exception {
        try (Rooms rooms = Rooms.create(); WebSocketServer server = RoomsServer.start(0, rooms);
             RawWebSocket ann = RawWebSocket.connect(server.port(), "/rooms/blue?name=ann", "")) {
            awaitMembers(rooms, "blue", 1);
            // ann's own message comes back after her onOpen, announcement included, has run (the actor's order):
            // only then may bob join, or he could hear "ann joined"
            ann.sendText("here");
            assertEquals("ann: here", ann.readFrame(T).text());
            try (RawWebSocket bob = RawWebSocket.connect(server.port(), "/rooms/blue?name=bob", "")) {
                assertEquals("bob joined", ann.readFrame(T).text());
                bob.sendText("hi");
                assertEquals("bob: hi", ann.readFrame(T).text());
                assertEquals("bob: hi", bob.readFrame(T).text());
                bob.sendClose(1000, "");
                bob.awaitClose(T);
            }
            assertEquals("bob left", ann.readFrame(T).text());
        }
    }

    @Test
    void tlsServesWssWithThePemFiles(@TempDir Path dir) throws Exception {
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        try (WebSocketServer server = Tls.startTls(0, cert.certificatePem(), cert.privateKeyPem(), new Echo());
             RawWebSocket ws = RawWebSocket.connectTls(server.port(), cert.clientContext().getSocketFactory(), "/")) {
            ws.sendText("secret");
            assertEquals("secret", ws.readFrame(T).text());
            assertTrue(server.listeners().getFirst().secure());
        }
    }

    @Test
    void theConfiguredDeflateIsNegotiated() throws Exception {
        try (WebSocketServer server = Tls.startCompressed(0, new Echo());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/",
                     "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
            String agreed = ws.handshakeHeader("Sec-WebSocket-Extensions");
            assertTrue(agreed.startsWith("permessage-deflate"), agreed);
            assertTrue(agreed.contains("server_no_context_takeover")
                    && agreed.contains("client_no_context_takeover"), agreed);
            ws.sendText("short");                               // under the threshold: not compressed either way
            RawWebSocket.Frame echo = ws.readFrame(T);
            assertEquals("short", echo.text());
            assertEquals(0, echo.rsv());
        }
    }

    @Test
    void twoNodesShareARoomThroughRedis() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        try (RedisServer redis = RedisServer.start();
             Cluster.Node a = Cluster.startNode(0, redis.uri());
             Cluster.Node b = Cluster.startNode(0, redis.uri());
             RawWebSocket ann = RawWebSocket.connect(a.server().port(), "/rooms/red?name=ann", "");
             RawWebSocket bob = RawWebSocket.connect(b.server().port(), "/rooms/red?name=bob", "")) {
            awaitMembers(a.rooms(), "red", 1);
            awaitMembers(b.rooms(), "red", 1);
            // node a subscribes to the room's channel when ann joins, a moment later: until it has, resend
            long deadline = System.nanoTime() + T.toNanos();
            String seen = null;
            while (!"bob: hello".equals(seen) && System.nanoTime() < deadline) {
                if (seen == null) {
                    bob.sendText("hello");
                }
                RawWebSocket.Frame f = ann.readFrame(Duration.ofMillis(200));
                seen = f == null ? null : f.text();
            }
            assertEquals("bob: hello", seen);
            assertTrue(a.server().connections().getFirst().id() != b.server().connections().getFirst().id());
        }
    }

    @Test
    void aMessageOverTheLimitIsClosedWith1009() throws Exception {
        try (WebSocketServer server = Limits.start(0, new Echo());
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/", "")) {
            ws.sendText("fits");
            assertEquals("fits", ws.readFrame(T).text());
            ws.sendBinary(new byte[64 * 1024 + 1]);
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, ws.awaitClose(T).closeCode());
        }
    }

    @Test
    void metricsReadTheServerAndScrapeAsPrometheusText() throws Exception {
        try (Rooms rooms = Rooms.create();
             WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Echo())
                     .start();
             RawWebSocket ws = RawWebSocket.connect(server.port(), "/", "")) {
            ws.sendText("one");
            ws.readFrame(T);
            assertTrue(Metrics.summary(server).startsWith("1 open, 1 in, 1 out"), Metrics.summary(server));
            PrometheusMeterRegistry registry = Metrics.prometheus(server, rooms);
            String text = registry.scrape();
            assertTrue(text.contains("sleet_connections_open_connections{server=\"chat\"} 1.0"), text);
        }
    }

    @Test
    void theShutdownHookSends1001ToOpenConnections() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Echo()).start();
        Thread hook = Shutdown.stopOnSigterm(server);
        assertTrue(Runtime.getRuntime().removeShutdownHook(hook), "the snippet registered its hook");
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", "")) {
            Thread stopper = new Thread(hook);
            stopper.start();
            RawWebSocket.Frame close = ws.awaitClose(T);
            assertEquals(CloseCodes.GOING_AWAY, close.closeCode());
            ws.sendClose(CloseCodes.GOING_AWAY, "");
            stopper.join(T.toMillis());
            assertEquals(0, server.connectionCount());
        } finally {
            server.close();
        }
    }

    @Test
    void aHandlerStopsTheServerWithoutWaitingForItself() throws Exception {
        Shutdown.Admin admin = new Shutdown.Admin();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(admin).start();
        admin.server = server;
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/", "")) {
            ws.sendText("shutdown");
            assertEquals(CloseCodes.GOING_AWAY, ws.awaitClose(T).closeCode());
        }
        assertTrue(server.shutdownAsync(Duration.ofSeconds(1)).toCompletableFuture().get() != null);
    }

    private static void awaitMembers(Rooms rooms, String room, int count) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (rooms.count(room) < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, rooms.count(room));
    }
}
