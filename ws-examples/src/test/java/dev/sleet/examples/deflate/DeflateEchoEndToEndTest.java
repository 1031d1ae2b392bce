package dev.sleet.examples.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.deflate.DeflateMetrics;
import dev.sleet.deflate.PerMessageDeflate;
import dev.sleet.examples.EchoServer;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.ClientDeflate;
import dev.sleet.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * permessage-deflate end to end (RFC 7692) against the echo example with {@code --deflate}, on loopback: the JDK's
 * {@code java.net.http.WebSocket} (which offers no extension and must get plain frames), and a raw client that
 * compresses with {@code java.util.zip} under each parameter combination, text and binary, small and 16 MiB. Then
 * the safety cases over the wire, and that every zlib object is returned when the connections end.
 */
class DeflateEchoEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int BIG = 16 << 20; // the server's default message limit, exactly
    static WebSocketServer server;

    @BeforeAll
    static void start() throws IOException {
        server = EchoServer.builder("127.0.0.1", 0, null, null).extension("permessage-deflate").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Compressible but not trivial: chat-like JSON with varying numbers, then a random tail. */
    static byte[] payload(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 100);
        while (sb.length() < size - 64) {
            sb.append("{\"type\":\"message\",\"from\":\"user").append(r.nextInt(500)).append("\",\"text\":\"")
                    .append(Long.toString(r.nextLong(), 36)).append("\"}\n");
        }
        while (sb.length() < size) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString().substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    // --------------------------------------------------------------------------------- the JDK client (no offer)

    @Test
    void jdkClientWithoutDeflateGetsPlainFramesSmallAndLarge() throws Exception {
        Jdk c = Jdk.connect(server.port());
        try {
            // The JDK client offers no extension and fails the connection (1002) on any frame with RSV1: an intact
            // echo of every size shows the server sent plain frames.
            for (int size : new int[] {5, 1000, BIG}) {
                String text = new String(payload(size, size), StandardCharsets.UTF_8);
                c.ws.sendText(text, true).get(30, TimeUnit.SECONDS);
                assertEquals(text, c.next());
                byte[] bin = payload(size, size + 1);
                c.ws.sendBinary(ByteBuffer.wrap(bin), true).get(30, TimeUnit.SECONDS);
                assertArrayEquals(bin, (byte[]) c.next());
            }
        } finally {
            c.ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
        }
    }

    /** The JDK client, gathering whole messages. */
    static final class Jdk implements WebSocket.Listener {
        final java.util.concurrent.LinkedBlockingQueue<Object> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        final StringBuilder text = new StringBuilder();
        final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        WebSocket ws;

        static Jdk connect(int port) throws Exception {
            Jdk j = new Jdk();
            j.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), j).get(10, TimeUnit.SECONDS);
            return j;
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(m, "no echo within " + WAIT);
            return m;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            return CompletableFuture.completedFuture(null);
        }
    }

    // ------------------------------------------------------------------ a deflating raw client, every combination

    static RawWebSocket offer(String extensions) throws IOException {
        return RawWebSocket.connect(server.port(), "/", "Sec-WebSocket-Extensions: " + extensions + "\r\n");
    }

    /**
     * RFC 7692 §7.1: each parameter (and the usual combinations) offered by the client, agreed in the response, and
     * honoured in both directions: text and binary, small and 1 MiB (16 MiB below, and in the Node and Chromium tests),
     * compressed with RSV1 on the first frame.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "permessage-deflate",
        "permessage-deflate; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits=12; client_max_window_bits=9",
        "permessage-deflate; server_max_window_bits=15; client_max_window_bits=15",
    })
    void rawDeflateClientRoundTrips(String offer) throws Exception {
        roundTrips(offer, 1 << 20);
    }

    /** The largest message the server accepts (16 MiB), compressed both ways, with and without context. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11",
    })
    void rawDeflateClientRoundTrips16MiB(String offer) throws Exception {
        roundTrips(offer, BIG);
    }

    static void roundTrips(String offer, int large) throws Exception {
        boolean serverReset = offer.contains("server_no_context_takeover");
        boolean clientReset = offer.contains("client_no_context_takeover");
        try (RawWebSocket ws = offer(offer); ClientDeflate z = new ClientDeflate(clientReset, serverReset)) {
            String agreed = ws.handshakeHeader("Sec-WebSocket-Extensions");
            assertNotNull(agreed, "deflate agreed");
            assertTrue(agreed.startsWith("permessage-deflate"), agreed);
            for (String p : List.of("server_no_context_takeover", "client_no_context_takeover")) {
                assertEquals(offer.contains(p), agreed.contains(p), p + " in " + agreed);
            }
            if (offer.contains("server_max_window_bits")) {
                String bits = offer.replaceAll(".*server_max_window_bits=(\\d+).*", "$1");
                assertTrue(agreed.contains("server_max_window_bits=" + bits), agreed);
            }
            int round = 0;
            for (int size : new int[] {200, 3000, 200, large}) {
                for (Opcode op : new Opcode[] {Opcode.TEXT, Opcode.BINARY}) {
                    byte[] m = payload(size, ++round);
                    ws.sendFrame(true, Rsv.RSV1, op, z.compress(m));
                    RawWebSocket.Frame f = ws.readFrame(WAIT);
                    assertNotNull(f, "echo of " + size);
                    assertEquals(op, f.opcode());
                    assertEquals(Rsv.RSV1, f.rsv(), "the echo is compressed");
                    assertArrayEquals(m, z.decompress(f.payload()), offer + ", " + op + " " + size);
                }
            }
            // Fragmented compressed message (RFC 7692 §6.1: RSV1 on the first frame only)
            byte[] m = payload(10_000, 99);
            byte[] c = z.compress(m);
            ws.sendFrame(false, Rsv.RSV1, Opcode.BINARY, Arrays.copyOf(c, c.length / 3));
            ws.sendFrame(false, 0, Opcode.CONTINUATION, Arrays.copyOfRange(c, c.length / 3, c.length / 2));
            ws.sendFrame(true, 0, Opcode.CONTINUATION, Arrays.copyOfRange(c, c.length / 2, c.length));
            RawWebSocket.Frame f = ws.readFrame(WAIT);
            assertArrayEquals(m, z.decompress(f.payload()));
            // Below the threshold (64 bytes) the server answers uncompressed, compressed or not on the way in
            ws.sendFrame(true, Rsv.RSV1, Opcode.TEXT, z.compress("tiny".getBytes(StandardCharsets.UTF_8)));
            f = ws.readFrame(WAIT);
            assertEquals(0, f.rsv());
            assertEquals("tiny", f.text());
            ws.sendText("plain frames still work");
            assertEquals("plain frames still work", ws.readFrame(WAIT).text());
            ws.sendClose(1000, "");
            assertEquals(1000, ws.awaitClose(WAIT).closeCode());
        }
    }

    @Test
    void controlFramesAreNeverCompressed() throws Exception {
        try (RawWebSocket ws = offer("permessage-deflate")) {
            byte[] p = "ping payload that is longer than the compression threshold of sixty-four bytes......"
                    .getBytes(StandardCharsets.UTF_8);
            ws.sendFrame(true, 0, Opcode.PING, p);
            RawWebSocket.Frame pong = ws.readFrame(WAIT);
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals(0, pong.rsv());
            assertArrayEquals(p, pong.payload());
            ws.sendClose(1000, "bye");
            RawWebSocket.Frame close = ws.awaitClose(WAIT);
            assertEquals(0, close.rsv());
        }
    }

    // ------------------------------------------------------------------------------------------- safety on the wire

    static byte[] bomb(int mib) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] first = flush(d, zeros);
        byte[] next = flush(d, zeros);
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        for (int i = 1; i < mib; i++) {
            out.writeBytes(next);
        }
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    static byte[] flush(java.util.zip.Deflater d, byte[] in) {
        d.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        return out.toByteArray();
    }

    /** A ~1 MiB message that inflates to 1 GiB: closed with 1009 once the 16 MiB limit is passed. */
    @Test
    void zipBombClosesWith1009() throws Exception {
        byte[] bomb = bomb(1024);
        long before = PerMessageDeflate.metrics().bytesInflated();
        try (RawWebSocket ws = offer("permessage-deflate")) {
            try {
                ws.sendFrame(true, Rsv.RSV1, Opcode.BINARY, bomb);
            } catch (IOException ignored) {
                // the server may stop reading and close while the bomb is still being written
            }
            RawWebSocket.Frame close = ws.awaitClose(WAIT);
            assertNotNull(close, "a close frame");
            assertEquals(1009, close.closeCode());
        }
        long inflated = PerMessageDeflate.metrics().bytesInflated() - before;
        assertTrue(inflated <= BIG + 16 * 1024, "inflated " + inflated + " bytes");
    }

    @Test
    void rsv1WithoutNegotiationIs1002() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(server.port()); ClientDeflate z = new ClientDeflate()) {
            assertNull(ws.handshakeHeader("Sec-WebSocket-Extensions"));
            ws.sendFrame(true, Rsv.RSV1, Opcode.TEXT, z.compress("Hello".getBytes(StandardCharsets.UTF_8)));
            assertEquals(1002, ws.awaitClose(WAIT).closeCode());
        }
    }

    @Test
    void rsv1OnAContinuationIs1002() throws Exception {
        try (RawWebSocket ws = offer("permessage-deflate"); ClientDeflate z = new ClientDeflate()) {
            byte[] c = z.compress(payload(1000, 5));
            ws.sendFrame(false, Rsv.RSV1, Opcode.TEXT, Arrays.copyOf(c, 10));
            ws.sendFrame(true, Rsv.RSV1, Opcode.CONTINUATION, Arrays.copyOfRange(c, 10, c.length));
            assertEquals(1002, ws.awaitClose(WAIT).closeCode());
        }
    }

    @Test
    void corruptStreamIs1007() throws Exception {
        try (RawWebSocket ws = offer("permessage-deflate")) {
            ws.sendFrame(true, Rsv.RSV1, Opcode.TEXT, new byte[] {(byte) 0xff, (byte) 0xee, 0x01});
            assertEquals(1007, ws.awaitClose(WAIT).closeCode());
        }
    }

    /** Memory: after the connections of this test end, no deflater or inflater is left in use by them. */
    @Test
    void zlibObjectsAreReturnedWhenConnectionsEnd() throws Exception {
        // Connections of earlier tests give their zlib objects back as they end, asynchronously: start from counts
        // that have stopped falling, and allow them to fall further (a leak here makes them rise).
        DeflateMetrics before = settledMetrics();
        for (String offer : List.of("permessage-deflate", "permessage-deflate; server_no_context_takeover; "
                + "client_no_context_takeover")) {
            try (RawWebSocket ws = offer(offer); ClientDeflate z = new ClientDeflate(offer.contains("client_no"),
                    offer.contains("server_no"))) {
                byte[] m = payload(5000, 1);
                ws.sendFrame(true, Rsv.RSV1, Opcode.TEXT, z.compress(m));
                assertArrayEquals(m, z.decompress(ws.readFrame(WAIT).payload()));
                ws.sendClose(1000, "");
                ws.awaitClose(WAIT);
                ws.awaitEof(WAIT);
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        DeflateMetrics after = PerMessageDeflate.metrics();
        while ((after.deflatersInUse() > before.deflatersInUse() || after.inflatersInUse() > before.inflatersInUse())
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            after = PerMessageDeflate.metrics();
        }
        assertTrue(after.deflatersInUse() <= before.deflatersInUse(),
                "deflaters in use: " + after.deflatersInUse() + ", before the test " + before.deflatersInUse());
        assertTrue(after.inflatersInUse() <= before.inflatersInUse(),
                "inflaters in use: " + after.inflatersInUse() + ", before the test " + before.inflatersInUse());
    }

    /** The deflate counters once they are zero or have not changed for ten polls in a row (bounded by WAIT). */
    private static DeflateMetrics settledMetrics() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        DeflateMetrics m = PerMessageDeflate.metrics();
        int same = 0;
        while (same < 10 && (m.deflatersInUse() > 0 || m.inflatersInUse() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            DeflateMetrics next = PerMessageDeflate.metrics();
            same = next.deflatersInUse() == m.deflatersInUse() && next.inflatersInUse() == m.inflatersInUse()
                    ? same + 1 : 0;
            m = next;
        }
        return m;
    }
}
