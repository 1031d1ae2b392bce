package dev.sleet.server;

import dev.sleet.core.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proxyProtocol(true)} over real sockets (HAProxy's "The PROXY protocol" v1 and v2): the handler sees the
 * client the header names in {@code onConnect} and on the {@link Connection}; LOCAL and UNKNOWN keep the socket's
 * address; a header sent a byte at a time, or in one write with the request (or the TLS ClientHello) behind it,
 * works; garbage, a too long line and a missing header close the socket without a byte of answer; with the
 * option off a PROXY line is a bad request (400).
 */
class ProxyProtocolListenerTest {

    static final byte[] V2_SIG = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** Records what the handler saw. */
    static final class Seen extends RecordingHandler {
        final BlockingQueue<UpgradeRequest> requests = new LinkedBlockingQueue<>();

        @Override
        public ConnectDecision onConnect(UpgradeRequest request) {
            requests.add(request);
            return ConnectDecision.accept();
        }

        UpgradeRequest awaitRequest() throws InterruptedException {
            UpgradeRequest r = requests.poll(20, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("onConnect did not run within 20 s");
            }
            return r;
        }
    }

    static byte[] v2(int verCmd, int famProto, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIG);
        out.write(verCmd);
        out.write(famProto);
        out.write(body.length >>> 8);
        out.write(body.length & 0xFF);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    static WebSocketServer start(Seen handler, boolean proxy) throws IOException {
        return WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).proxyProtocol(proxy).start();
    }

    /** Writes {@code header} in writes of {@code chunk} bytes, then upgrades and echoes one message. */
    static void upgradeAndEcho(int port, byte[] header, int chunk) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < header.length; i += chunk) {
            out.write(header, i, Math.min(chunk, header.length - i));
            out.flush();
            if (chunk < header.length) {
                Thread.sleep(1); // separate segments: the server reads the header in pieces
            }
        }
        try (RawWebSocket ws = RawWebSocket.upgradeOn(s, "/", "")) {
            ws.sendText("hello");
            assertEquals("hello", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    /** Sends {@code bytes}; the server must close without answering a single byte. */
    static void assertClosedWithoutAnswer(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            InputStream in = s.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (IOException reset) {
                first = -1; // a reset is a close too
            }
            assertEquals(-1, first, "closed without an answer");
        }
    }

    @Test
    void v1Tcp4NamesTheClientInOnConnectAndOnTheConnection() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, true)) {
            upgradeAndEcho(server.port(), ascii("PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n"), 1);
            UpgradeRequest r = h.awaitRequest();
            assertEquals(at("192.0.2.1", 56324), r.remoteAddress());
            assertEquals(InetAddress.getLoopbackAddress(), r.peerAddress().getAddress());
            assertFalse(r.secure());
            Connection c = h.awaitOpen();
            assertEquals(at("192.0.2.1", 56324), c.remoteAddress());
        }
    }

    @Test
    void v1Tcp6AndUnknown() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, true)) {
            upgradeAndEcho(server.port(), ascii("PROXY TCP6 2001:db8::1 2001:db8::2 4711 443\r\n"), 1000);
            assertEquals(at("2001:db8::1", 4711), h.awaitRequest().remoteAddress());
            assertEquals(at("2001:db8::1", 4711), h.awaitOpen().remoteAddress());
            upgradeAndEcho(server.port(), ascii("PROXY UNKNOWN\r\n"), 3);
            UpgradeRequest r = h.awaitRequest();
            assertEquals(r.peerAddress(), r.remoteAddress());
            assertEquals(InetAddress.getLoopbackAddress(), r.remoteAddress().getAddress());
        }
    }

    @Test
    void v2WithTlvsByteAtATimeAndIpv6() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, true)) {
            ByteBuffer inet = ByteBuffer.allocate(12 + 8);
            inet.put(new byte[] {(byte) 203, 0, 113, 7}).put(new byte[] {10, 0, 0, 1})
                    .putShort((short) 50000).putShort((short) 80)
                    .put(new byte[] {0x01, 0x00, 0x02, 'h', '2', 0x04, 0x00, 0x00}); // ALPN, NOOP
            upgradeAndEcho(server.port(), v2(0x21, 0x11, inet.array()), 1);
            assertEquals(at("203.0.113.7", 50000), h.awaitRequest().remoteAddress());
            assertEquals(at("203.0.113.7", 50000), h.awaitOpen().remoteAddress());

            ByteBuffer inet6 = ByteBuffer.allocate(36);
            inet6.put(InetAddress.getByName("2001:db8::7").getAddress())
                    .put(InetAddress.getByName("2001:db8::8").getAddress())
                    .putShort((short) 1234).putShort((short) 443);
            upgradeAndEcho(server.port(), v2(0x21, 0x21, inet6.array()), 5);
            assertEquals(at("2001:db8::7", 1234), h.awaitRequest().remoteAddress());
        }
    }

    @Test
    void v2LocalKeepsTheSocketsAddress() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, true)) {
            upgradeAndEcho(server.port(), v2(0x20, 0x00, new byte[0]), 100);
            UpgradeRequest r = h.awaitRequest();
            assertEquals(r.peerAddress(), r.remoteAddress());
            assertEquals(r.peerAddress(), h.awaitOpen().remoteAddress());
        }
    }

    @Test
    void headerAndRequestInOneWrite() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, true)) {
            byte[] header = ascii("PROXY TCP4 192.0.2.5 198.51.100.1 1000 80\r\n");
            String request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(header);
            both.writeBytes(ascii(request));
            RawHttp.Response r = RawHttp.exchange(server.port(), both.toByteArray(), Duration.ofMillis(1500));
            assertEquals(101, r.status(), r.toString());
            assertEquals(at("192.0.2.5", 1000), h.awaitRequest().remoteAddress());
        }
    }

    @Test
    void garbageTooLongOrMissingHeaderClosesWithoutAnswer() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, true)) {
            String request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            assertClosedWithoutAnswer(server.port(), ascii(request));                         // missing
            assertClosedWithoutAnswer(server.port(), ascii("PROXY TCP4 1.2.3 4.5.6.7 1 2\r\n" + request));
            assertClosedWithoutAnswer(server.port(), ascii("PROXY UNKNOWN " + "x".repeat(100) + "\r\n"));
            byte[] badVersion = v2(0x31, 0x11, new byte[12]);
            assertClosedWithoutAnswer(server.port(), badVersion);
            byte[] tooLong = v2(0x21, 0x11, new byte[0]);
            tooLong[14] = 0x10; // declares 4096 bytes after the 16: over the 4 KiB cap, refused at once
            assertClosedWithoutAnswer(server.port(), tooLong);
            assertTrue(h.requests.isEmpty(), "no handler saw any of these");
            assertTrue(server.metrics().rejectedHandshakes() >= 5, server.metrics().toString());
            upgradeAndEcho(server.port(), ascii("PROXY TCP4 192.0.2.1 198.51.100.1 1 2\r\n"), 1000);
        }
    }

    @Test
    void headerMustArriveWithinTheHandshakeTimeout() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Seen())
                .proxyProtocol(true).handshakeTimeout(Duration.ofMillis(300)).start()) {
            assertClosedWithoutAnswer(server.port(), ascii("PROXY TCP4 192.0.2.1")); // then silence
        }
    }

    @Test
    void optionOffTreatsAProxyLineAsABadRequest() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = start(h, false)) {
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
                    Duration.ofSeconds(10));
            assertEquals(400, r.status(), r.toString());
            assertTrue(r.closed());
        }
    }

    /** A socket whose first write carries {@code prefix} in front: PROXY header and ClientHello in one segment. */
    static final class PrefixedSocket extends Socket {
        private final byte[] prefix;
        private OutputStream out;

        PrefixedSocket(byte[] prefix) {
            this.prefix = prefix;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                OutputStream raw = super.getOutputStream();
                out = new FilterOutputStream(raw) {
                    private boolean sent;

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (!sent) {
                            sent = true;
                            byte[] both = new byte[prefix.length + len];
                            System.arraycopy(prefix, 0, both, 0, prefix.length);
                            System.arraycopy(b, off, both, prefix.length, len);
                            raw.write(both);
                        } else {
                            raw.write(b, off, len);
                        }
                    }
                };
            }
            return out;
        }
    }

    @Test
    void tlsListenerReadsTheHeaderBeforeTheHandshake(@TempDir Path dir) throws Exception {
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost");
        Seen h = new Seen();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h)
                .tls(cert.certificatePem(), cert.privateKeyPem()).proxyProtocol(true).start()) {
            for (boolean oneSegment : new boolean[] {true, false}) {
                byte[] header = ascii("PROXY TCP4 192.0.2.44 198.51.100.1 4444 443\r\n");
                Socket raw = oneSegment ? new PrefixedSocket(header) : new Socket();
                raw.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                if (!oneSegment) {
                    raw.getOutputStream().write(header);
                }
                SSLSocket tls = (SSLSocket) cert.clientContext().getSocketFactory()
                        .createSocket(raw, "localhost", server.port(), true);
                try (RawWebSocket ws = RawWebSocket.connectTls(tls, "/", "")) {
                    ws.sendFrame(true, 0, Opcode.TEXT, ascii("over TLS"));
                    assertEquals("over TLS", ws.readFrame(Duration.ofSeconds(10)).text());
                }
                UpgradeRequest r = h.awaitRequest();
                assertEquals(at("192.0.2.44", 4444), r.remoteAddress(), "one segment: " + oneSegment);
                assertTrue(r.secure());
            }
        }
    }

    @Test
    void perAddressLimitCountsTheClientsTheHeaderNames() throws Exception {
        Seen h = new Seen();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h)
                .proxyProtocol(true).maxConnectionsPerAddress(1).start()) {
            RawWebSocket a = open(server.port(), "192.0.2.1");
            RawWebSocket b = open(server.port(), "192.0.2.2"); // same proxy (127.0.0.1), another client: fine
            String request = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            RawHttp.Response third = RawHttp.exchange(server.port(),
                    "PROXY TCP4 192.0.2.1 198.51.100.1 2 80\r\n" + request, Duration.ofSeconds(10));
            assertEquals(503, third.status(), "a second socket from 192.0.2.1: " + third);
            a.sendClose(1000, "");
            a.awaitEof(Duration.ofSeconds(10));
            a.close();
            h.awaitClose();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            RawWebSocket again = null;
            while (again == null) { // the count is given back when the server side has ended
                try {
                    again = open(server.port(), "192.0.2.1");
                } catch (RawWebSocket.HandshakeFailed e) {
                    assertTrue(System.nanoTime() < deadline, "192.0.2.1's count never came back");
                    Thread.sleep(20);
                }
            }
            again.close();
            b.close();
        }
    }

    private static RawWebSocket open(int port, String client) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(ascii("PROXY TCP4 " + client + " 198.51.100.1 1 80\r\n"));
        return RawWebSocket.upgradeOn(s, "/", "");
    }
}
