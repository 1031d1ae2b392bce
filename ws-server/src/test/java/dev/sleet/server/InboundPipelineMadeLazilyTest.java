package dev.sleet.server;

import dev.sleet.core.Connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.frame.Opcode;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection makes its frame parser and assembler with the first byte after the upgrade, not at the upgrade.
 * Whatever arrives first must still be handled as before: frames in the same TCP write as the request (the
 * server reads them with the request's bytes, before its 101 is out), a ping or a close from a connection that
 * sent nothing else, and a close started by the server on a connection that never sent a frame (RFC 6455 §5.5,
 * §7.1.2).
 */
@ExtendWith(HandlerThreads.class)
class InboundPipelineMadeLazilyTest {
    static final RecordingHandler handler = new RecordingHandler() {
        @Override
        public void onOpen(Connection connection) {
            super.onOpen(connection);
            if (connection.request().path().equals("/close-at-once")) {
                connection.close(4001, "server first");
            }
        }
    };
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void framesInTheSameWriteAsTheRequestAreHandledInOrder() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(("GET /same-write HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(RawWebSocket.encode(true, 0, Opcode.TEXT, "first".getBytes(StandardCharsets.UTF_8)));
            out.writeBytes(RawWebSocket.encode(true, 0, Opcode.PING, new byte[] {1, 2, 3}));
            out.writeBytes(RawWebSocket.encode(true, 0, Opcode.TEXT, "second".getBytes(StandardCharsets.UTF_8)));
            s.getOutputStream().write(out.toByteArray()); // one write: the request and three frames
            s.getOutputStream().flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            // The loop answers the ping itself, the handler echoes the texts: the pong may come first, texts in order.
            java.util.List<String> texts = new java.util.ArrayList<>();
            java.util.List<String> pongs = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int b0 = in.readUnsignedByte();
                byte[] payload = new byte[in.readUnsignedByte()];
                in.readFully(payload);
                (b0 == (0x80 | Opcode.PONG.code()) ? pongs : texts).add(b0 + ":" + java.util.Arrays.toString(payload));
            }
            assertEquals(java.util.List.of(text("first"), text("second")), texts);
            assertEquals(java.util.List.of((0x80 | Opcode.PONG.code()) + ":[1, 2, 3]"), pongs);
            s.getOutputStream().write(RawWebSocket.encode(true, 0, Opcode.CLOSE, new byte[] {0x0F, (byte) 0xA0}));
            assertFrame(in, Opcode.CLOSE, new byte[] {0x0F, (byte) 0xA0}); // 4000 echoed
            assertEquals(-1, in.read(), "the server closes TCP after echoing the close");
        }
        assertEquals(4000, handler.awaitClose(c -> c.code() == 4000).code());
    }

    @Test
    void aPingIsTheFirstFrameOfAnIdleConnection() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/idle-ping", "")) {
            ws.sendFrame(true, 0, Opcode.PING, "hello?".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong = ws.readFrame(Duration.ofSeconds(10));
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals("hello?", new String(pong.payload(), StandardCharsets.UTF_8));
            ws.sendText("then text");
            assertEquals("then text", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    @Test
    void aCloseIsTheFirstFrameOfAnIdleConnection() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/idle-close", "")) {
            ws.sendClose(4002, "only this");
            assertEquals(4002, ws.awaitClose(Duration.ofSeconds(10)).closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(10)));
        }
        CloseStatus s = handler.awaitClose(c -> c.code() == 4002);
        assertEquals("only this", s.reason());
    }

    @Test
    void aServerCloseOnAConnectionThatNeverSentIsAnsweredAndReported() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/close-at-once", "")) {
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertEquals(4001, close.closeCode());
            ws.sendClose(4001, "ok"); // the peer's answer is the first frame the server reads
            assertTrue(ws.awaitEof(Duration.ofSeconds(10)), "TCP closes once the peer answered");
        }
        assertEquals("server first", handler.awaitClose(c -> c.code() == 4001).reason());
    }

    private static String text(String s) {
        return (0x80 | Opcode.TEXT.code()) + ":" + java.util.Arrays.toString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Reads one unmasked server frame with a payload under 126 bytes. */
    private static void assertFrame(DataInputStream in, Opcode opcode, byte[] payload) throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0x80 | opcode.code(), b0, "FIN and opcode");
        assertEquals(payload.length, b1, "unmasked, length");
        byte[] got = new byte[b1];
        in.readFully(got);
        assertArrayEquals(payload, got);
    }
}
