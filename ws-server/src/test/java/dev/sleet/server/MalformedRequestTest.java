package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.ProcessResources;
import dev.sleet.testkit.RawHttp;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that parse as HTTP but fail when the handler's view is built (a bad query escape, a query that is not
 * UTF-8, a repeated subprotocol) are answered 400 and closed, and leave no descriptor behind. Before connection
 * core v2 they threw on the event loop after the handshake timer was cancelled: no answer, and the socket stayed in
 * CLOSE_WAIT forever.
 */
class MalformedRequestTest {
    static final String REST = " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    @ParameterizedTest
    @ValueSource(strings = {"GET /?x=%zz" + REST + "\r\n", "GET /?x=%ff" + REST + "\r\n",
            "GET /" + REST + "Sec-WebSocket-Protocol: chat, chat\r\n\r\n"})
    void isAnswered400AndClosedWithoutLeakingDescriptors(String request) throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .subprotocols("chat").start()) {
            RawHttp.Response first = RawHttp.exchange(server.port(), request, Duration.ofSeconds(10));
            assertEquals(400, first.status(), first.toString());
            assertTrue(first.closed(), "the server closed the connection after its answer");
            int baseline = ProcessResources.openFileDescriptors();
            assumeTrue(baseline > 0, "no /proc/self/fd on this system: descriptor count not checked");
            for (int i = 0; i < 50; i++) {
                RawHttp.Response r = RawHttp.exchange(server.port(), request, Duration.ofSeconds(10));
                assertEquals(400, r.status());
                assertTrue(r.closed());
            }
            // The client side of each exchange is closed by then; the server side closes right after writing.
            // A leak would leave 50 sockets: allow a handful for the JVM's own files.
            int now = ProcessResources.awaitFileDescriptorsAtMost(baseline + 5, 10_000);
            assertTrue(now <= baseline + 5, "descriptors back near " + baseline + ": " + now);
            assertEquals(0, handler.opened.size(), "no handler ever saw these requests");
        }
    }
}
