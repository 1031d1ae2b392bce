package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.handshake.HttpResponse;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each limit has a default and a clear answer: 503, 431, a dropped socket, 1001, 1009, 426. */
@ExtendWith(HandlerThreads.class)
class ServerLimitsTest {
    static final String UPGRADE = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    @Test
    void connectionsOverTheLimitGet503() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(handler).maxConnections(2).start();
                RawWebSocket a = RawWebSocket.connect(server.port());
                RawWebSocket b = RawWebSocket.connect(server.port())) {
            RawHttp.Response third = RawHttp.exchange(server.port(), UPGRADE + "\r\n", Duration.ofSeconds(5));
            assertEquals(503, third.status());
            a.sendClose(1000, "");
            assertTrue(a.awaitEof(Duration.ofSeconds(5)));
            handler.awaitClose(st -> st.code() == 1000); // the connection has ended: its slot is free
            try (RawWebSocket c = RawWebSocket.connect(server.port())) {
                c.sendText("a slot freed up");
                assertEquals("a slot freed up", c.readFrame(Duration.ofSeconds(5)).text());
            }
        }
    }

    @Test
    void oversizedHeadersGet431() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).start()) {
            String big = "X-Big: " + "a".repeat(9000) + "\r\n";
            RawHttp.Response r = RawHttp.exchange(server.port(), UPGRADE + big + "\r\n", Duration.ofSeconds(5));
            assertEquals(431, r.status());
            assertTrue(r.closed());
        }
    }

    /**
     * A client too slow to finish its upgrade request is dropped without an answer (RFC 6455 gives none), and only
     * by the handshake timeout: the server had read the partial request (its byte count shows it) and neither
     * answered it nor took it as a bad request (no 4xx, nothing counted as rejected). That a partial request is
     * held rather than dropped is {@link #handshakeSplitAcrossWritesIsAnsweredOnceComplete}.
     */
    @Test
    void slowHandshakeIsDropped() throws Exception {
        byte[] partial = "GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).handshakeTimeout(Duration.ofMillis(300)).start();
                Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(partial); // and never finish
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "the server drops the socket without an answer");
            assertTrue(server.metrics().bytesIn() >= partial.length, "the partial request was read first");
            assertEquals(0, server.metrics().rejectedHandshakes(), "not answered as a bad request");
            assertEquals(0, server.metrics().acceptedHandshakes());
        }
    }

    /** An upgrade request that arrives in two writes, the server having read the first, is answered 101. */
    @Test
    void handshakeSplitAcrossWritesIsAnsweredOnceComplete() throws Exception {
        byte[] first = "GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] rest = UPGRADE.substring("GET / HTTP/1.1\r\nHost: x\r\n".length()).concat("\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).start();
                Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(first);
            Await.until(() -> server.metrics().bytesIn() >= first.length, Duration.ofSeconds(30),
                    "the server reads the first part");
            s.getOutputStream().write(rest);
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 101", status, "the completed request is answered");
        }
    }

    @Test
    void idleConnectionIsClosedWith1001() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .pingInterval(Duration.ZERO).idleTimeout(Duration.ofMillis(300)).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(5));
            assertNotNull(close);
            assertEquals(1001, close.closeCode());
            assertEquals("idle timeout", close.closeReason());
        }
    }

    @Test
    void messageOverTheLimitCloses1009BeforeThePayloadArrives() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).maxMessageSize(1024).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            // only the header of a 1 MiB frame: the length alone is enough to refuse it (FRAG-03)
            byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4};
            ws.sendRaw(header);
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(5));
            assertEquals(1009, close.closeCode());
            // and across fragments: 3 x 512 bytes
            try (RawWebSocket ws2 = RawWebSocket.connect(server.port())) {
                ws2.sendFrame(false, 0, Opcode.BINARY, new byte[512]);
                ws2.sendFrame(false, 0, Opcode.CONTINUATION, new byte[512]);
                ws2.sendFrame(true, 0, Opcode.CONTINUATION, new byte[512]);
                assertEquals(1009, ws2.awaitClose(Duration.ofSeconds(5)).closeCode());
            }
        }
    }

    @Test
    void plainRequestsGet426ByDefaultOrTheHttpHandlersAnswer() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                    Duration.ofSeconds(5));
            assertEquals(426, r.status());
            assertEquals("13", r.header("sec-websocket-version"));
        }
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler())
                .httpHandler(req -> {
                    HandlerThreads.record("HttpHandler");
                    return HttpResponse.builder(200).body("<h1>hi " + req.path() + "</h1>",
                            "text/html; charset=utf-8").build();
                })
                .start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET /page HTTP/1.1\r\nHost: x\r\n\r\n",
                    Duration.ofSeconds(5));
            assertEquals(200, r.status());
            assertEquals("<h1>hi /page</h1>", r.body());
            assertTrue(r.header("content-type").startsWith("text/html"));
        }
    }

    @Test
    void badUpgradeGets400AndWrongVersion426() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .handler(new RecordingHandler()).start()) {
            RawHttp.Response noKey = RawHttp.exchange(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
                    Duration.ofSeconds(5));
            assertEquals(400, noKey.status());
            RawHttp.Response v8 = RawHttp.exchange(server.port(), UPGRADE.replace("Version: 13", "Version: 8")
                    + "\r\n", Duration.ofSeconds(5));
            assertEquals(426, v8.status());
            assertEquals("13", v8.header("sec-websocket-version"));
            RawHttp.Response garbage = RawHttp.exchange(server.port(), "\u0000\u0001garbage\r\n\r\n",
                    Duration.ofSeconds(5));
            assertEquals(400, garbage.status());
        }
    }
}
