package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.CloseStatus;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.ProcessResources;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a TLS peer can misbehave ends that one connection cleanly — socket closed, {@code onClose} run with
 * 1006 where the WebSocket was open, the slot freed — and the server goes on serving: plain bytes on the TLS port,
 * a client that stops mid-handshake (the handshake timeout ends it), a truncated record, a corrupted record
 * (bad_record_mac, RFC 8446 §5.2) and a TLS 1.2 renegotiation attempt (refused: RFC 5746 lets a server decline).
 * A TLS 1.3 key update (RFC 8446 §4.6.3) is not a renegotiation and keeps the connection.
 */
class TlsFaultsEndOneConnectionTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;
    static final TlsFixtures.EchoHandler handler = new TlsFixtures.EchoHandler();
    static WebSocketServer jdk;
    static WebSocketServer conscrypt;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        TlsConfig tls = TlsConfig.pem(cert.certificatePem(), cert.privateKeyPem());
        jdk = TlsFixtures.start("jdk-tls", tls, handler, b -> b.handshakeTimeout(HANDSHAKE_TIMEOUT));
        conscrypt = TlsFixtures.start("conscrypt", tls, handler, b -> b.handshakeTimeout(HANDSHAKE_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        jdk.close();
        conscrypt.close();
    }

    @AfterEach
    void nothingLeftOpen() throws Exception {
        TlsFixtures.awaitNoConnections(jdk, Duration.ofSeconds(5));
        TlsFixtures.awaitNoConnections(conscrypt, Duration.ofSeconds(5));
        handler.settle(Duration.ofSeconds(10));
    }

    static WebSocketServer server(String transport) {
        return transport.equals("jdk-tls") ? jdk : conscrypt;
    }

    static SSLContext client() {
        return cert.clientContext();
    }

    /** Reads until the server ends the raw connection; true when it did within {@code timeout}. */
    static boolean endedByServer(Socket s, Duration timeout) throws IOException {
        s.setSoTimeout((int) timeout.toMillis());
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // an alert may come first
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void orderlyCloseEndsWithCloseNotify(String transport) throws Exception {
        // The good path first: a WebSocket close handshake (RFC 6455 §7.1.2), then TLS's own (RFC 8446 §6.1).
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            c.handshake();
            c.upgrade();
            c.send(RawWebSocket.encode(true, 0, dev.sleet.frame.Opcode.CLOSE, new byte[] {0x03, (byte) 0xE8}));
            assertTrue(c.awaitCloseNotify(Duration.ofSeconds(10)), "no close_notify before the socket closed");
        }
        assertEquals(CloseCodes.NORMAL, handler.awaitClose(Duration.ofSeconds(10)).code());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void plainHttpOnTheTlsPort(String transport) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server(transport).port())) {
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(endedByServer(s, Duration.ofSeconds(5)), "the server kept a plain-text client open");
        }
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void plainWebSocketClientOnTheTlsPort(String transport) {
        // What a ws:// client pointed at a wss:// port sees: no 101, the connection ends.
        assertThrows(IOException.class, () -> RawWebSocket.connect(server(transport).port()).close());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void clientStopsInTheMiddleOfItsHello(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            byte[] hello = c.clientHello();
            c.sendRaw(Arrays.copyOf(hello, hello.length / 2));
            long t0 = System.nanoTime();
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)), "a half hello was kept open");
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            // Ended by the handshake timeout, not at once (for information; timings are not asserted).
            System.out.println(transport + ": half ClientHello ended after " + waitedMs + " ms");
        }
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void clientStopsAfterItsHello(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            c.sendRaw(c.clientHello()); // the server answers with its flight and waits for our Finished
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)), "a silent client was kept open");
        }
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void clientConnectsAndSendsNothing(String transport) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server(transport).port())) {
            assertTrue(endedByServer(s, Duration.ofSeconds(10)), "an idle TCP connection was kept open");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void truncatedRecordThenEndOfStream(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            c.handshake();
            c.upgrade();
            c.sendText("whole");
            assertEquals("whole", c.readText());
            byte[] record = c.wrap(ByteBuffer.wrap(RawWebSocket.encode(true, 0, dev.sleet.frame.Opcode.TEXT,
                    "never arrives whole".getBytes(StandardCharsets.UTF_8))));
            c.sendRaw(Arrays.copyOf(record, record.length - 7));
            c.socket.shutdownOutput();
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)));
        }
        CloseStatus status = handler.awaitClose(Duration.ofSeconds(10));
        assertEquals(CloseCodes.ABNORMAL, status.code(), status.toString());
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void truncatedRecordDuringTheHandshake(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            byte[] hello = c.clientHello();
            c.sendRaw(Arrays.copyOf(hello, 40));
            c.socket.shutdownOutput();
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)));
        }
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void corruptedRecordFailsTheMac(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            c.handshake();
            c.upgrade();
            byte[] record = c.wrap(ByteBuffer.wrap(RawWebSocket.encode(true, 0, dev.sleet.frame.Opcode.TEXT,
                    "tampered".getBytes(StandardCharsets.UTF_8))));
            record[record.length - 3] ^= 0x55; // inside the AEAD tag
            c.sendRaw(record);
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)));
        }
        CloseStatus status = handler.awaitClose(Duration.ofSeconds(10));
        assertEquals(CloseCodes.ABNORMAL, status.code(), status.toString());
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void garbageAfterTheHandshake(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
            c.handshake();
            c.upgrade();
            c.sendRaw("this is not a TLS record at all\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)));
        }
        assertEquals(CloseCodes.ABNORMAL, handler.awaitClose(Duration.ofSeconds(10)).code());
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void tls12RenegotiationIsRefused(String transport) throws Exception {
        try (EngineClient c = new EngineClient(client(), server(transport).port(), null, "TLSv1.2")) {
            c.handshake();
            assertEquals("TLSv1.2", c.engine.getSession().getProtocol());
            c.upgrade();
            c.sendText("before");
            assertEquals("before", c.readText());
            // A second handshake on the same connection: the client's new ClientHello goes out encrypted.
            c.engine.beginHandshake();
            c.sendRaw(c.wrap(ByteBuffer.allocate(0)));
            assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)), "the server went along with renegotiation");
        }
        assertEquals(CloseCodes.ABNORMAL, handler.awaitClose(Duration.ofSeconds(10)).code());
        TlsFixtures.assertServerStillEchoes(server(transport), client());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void tls13KeyUpdateKeepsTheConnection(String transport) throws Exception {
        SSLSocket s = TlsFixtures.socket(client(), server(transport).port(), null);
        try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            ws.sendText("before the key update");
            assertEquals("before the key update", ws.readFrame(Duration.ofSeconds(10)).text());
            s.startHandshake(); // on a TLS 1.3 socket the JDK sends KeyUpdate(update_requested)
            byte[] big = new byte[100_000];
            new java.util.Random(5).nextBytes(big);
            ws.sendBinary(big);
            assertArrayEquals(big, ws.readFrame(Duration.ofSeconds(10)).payload());
            s.startHandshake();
            ws.sendText("after two key updates");
            assertEquals("after two key updates", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void manyConnectionsAndFaultsLeakNoDescriptors(String transport) throws Exception {
        // Warm up whatever the first connections allocate once (native library, loop buffers), then count.
        TlsFixtures.assertServerStillEchoes(server(transport), client());
        int before = ProcessResources.openFileDescriptors();
        for (int i = 0; i < 20; i++) {
            TlsFixtures.assertServerStillEchoes(server(transport), client()); // an ordinary life and end
            try (Socket s = new Socket("127.0.0.1", server(transport).port())) {
                s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x7F, (byte) 0xFF, 1, 2, 3});
                s.shutdownOutput();
                assertTrue(endedByServer(s, Duration.ofSeconds(10)));
            }
            try (EngineClient c = new EngineClient(client(), server(transport).port(), null)) {
                c.handshake();
                c.sendRaw(new byte[] {0x17, 0x03, 0x03, 0x00, 0x20, 9, 9, 9});
                c.socket.shutdownOutput();
                assertTrue(c.awaitEndedByServer(Duration.ofSeconds(10)));
            }
        }
        TlsFixtures.assertServerStillEchoes(server(transport), client());
        int after = ProcessResources.awaitFileDescriptorsAtMost(before + 2, 5000);
        assertTrue(after <= before + 2, "descriptors before " + before + ", after " + after);
    }
}
