package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code onConnect} has a deadline: a handler that never decides gets its client a 503 and the socket back, instead
 * of holding it forever. A decision that comes after the deadline changes nothing ({@code onOpen} never runs).
 */
class DecisionTimeoutTest {
    static final String UPGRADE = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void aHandlerThatNeverDecidesIsAnswered503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch decided = new CountDownLatch(1);
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) throws InterruptedException {
                if (request.path().equals("/slow")) {
                    release.await(60, TimeUnit.SECONDS);
                    decided.countDown();
                }
                return ConnectDecision.accept();
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .handshakeTimeout(Duration.ofMillis(300)).blockingHandlers(true).start()) {
            try {
                RawHttp.Response r = RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /slow "),
                        Duration.ofSeconds(20));
                assertEquals(503, r.status());
                assertTrue(r.closed());
            } finally {
                release.countDown();
            }
            assertTrue(decided.await(20, TimeUnit.SECONDS));
            try (RawWebSocket ws = RawWebSocket.connect(server.port())) { // others are still served
                ws.sendText("hi");
                assertEquals("hi", ws.readFrame(Duration.ofSeconds(20)).text());
            }
            assertEquals(null, handler.opened.stream().filter(c -> "/slow".equals(c.request().path())).findAny()
                    .orElse(null), "the late decision opened nothing");
        }
    }
}
