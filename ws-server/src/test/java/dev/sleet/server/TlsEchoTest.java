package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.spi.TransportException;
import dev.sleet.testkit.TestCertificates;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** wss:// through the built-in {@code jdk-tls} transport (SERVE-02) with PEM files, and transport selection. */
@ExtendWith(HandlerThreads.class)
class TlsEchoTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificates.issue(dir, "localhost");
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new RecordingHandler())
                .tls(cert.certificatePem(), cert.privateKeyPem()).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void secureEchoWithTheJdkClient() throws Exception {
        assertEquals("jdk-tls", server.transport());
        HttpClient http = TestClient.tlsClient(cert.clientContext());
        try (TestClient c = TestClient.connect(http, URI.create("wss://localhost:" + server.port() + "/"), null)) {
            c.ws.sendText("over TLS ✓", true).get(5, TimeUnit.SECONDS);
            assertEquals("over TLS ✓", c.awaitText());
            byte[] big = new byte[3 << 20];
            new java.util.Random(7).nextBytes(big);
            c.ws.sendBinary(ByteBuffer.wrap(big), true).get(20, TimeUnit.SECONDS);
            assertTrue(java.util.Arrays.equals(big, c.awaitBinary()));
        }
    }

    @Test
    void plainBytesOnTheTlsPortEndThatConnectionOnly() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                // an alert may come back; then the server closes
            }
            assertEquals(-1, n);
        } catch (java.net.SocketException reset) {
            // a reset is an acceptable end too
        }
        HttpClient http = TestClient.tlsClient(cert.clientContext());
        try (TestClient c = TestClient.connect(http, URI.create("wss://localhost:" + server.port() + "/"), null)) {
            c.ws.sendText("server still fine", true).get(5, TimeUnit.SECONDS);
            assertEquals("server still fine", c.awaitText());
        }
    }

    @Test
    void plainAndTlsListenersOnOneServer() throws Exception {
        try (WebSocketServer both = WebSocketServer.builder().host("127.0.0.1").port(0).tlsPort(0)
                .handler(new RecordingHandler()).tls(cert.certificatePem(), cert.privateKeyPem()).start()) {
            assertEquals(2, both.listeners().size());
            assertEquals("nio", both.transport());
            assertTrue(both.tlsPort() > 0 && both.tlsPort() != both.port());
            try (TestClient plain = TestClient.connect(both.port());
                    TestClient secure = TestClient.connect(TestClient.tlsClient(cert.clientContext()),
                            URI.create("wss://localhost:" + both.tlsPort() + "/"), null)) {
                plain.ws.sendText("plain", true).get(5, TimeUnit.SECONDS);
                secure.ws.sendText("secure", true).get(5, TimeUnit.SECONDS);
                assertEquals("plain", plain.awaitText());
                assertEquals("secure", secure.awaitText());
            }
        }
    }

    @Test
    void reloadedCertificateServesNewConnections() throws Exception {
        TestCertificates.Issued second = TestCertificates.issue(dir.resolve("second"), "localhost", "EC", 1, 30);
        try (WebSocketServer s = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new RecordingHandler())
                .tls(cert.certificatePem(), cert.privateKeyPem()).start()) {
            URI uri = URI.create("wss://localhost:" + s.port() + "/");
            try (TestClient before = TestClient.connect(TestClient.tlsClient(cert.clientContext()), uri, null)) {
                s.reloadTls(dev.sleet.server.TlsConfig.pem(second.certificatePem(), second.privateKeyPem()));
                // the open connection keeps working on the old session
                before.ws.sendText("still old", true).get(5, TimeUnit.SECONDS);
                assertEquals("still old", before.awaitText());
            }
            // a client that trusts only the new certificate now connects; one trusting only the old cannot
            try (TestClient after = TestClient.connect(TestClient.tlsClient(second.clientContext()), uri, null)) {
                after.ws.sendText("new cert", true).get(5, TimeUnit.SECONDS);
                assertEquals("new cert", after.awaitText());
            }
            assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> TestClient.connect(TestClient.tlsClient(cert.clientContext()), uri, null));
        }
    }

    @Test
    void unknownTransportNameListsTheOnesFound() {
        TransportException e = assertThrows(TransportException.class, () -> WebSocketServer.builder()
                .port(0).handler(new RecordingHandler()).transport("quic").start());
        assertTrue(e.getMessage().contains("nio") && e.getMessage().contains("jdk-tls"), e.getMessage());
    }

    @Test
    void missingKeyFileIsAClearError() {
        TransportException e = assertThrows(TransportException.class, () -> WebSocketServer.builder()
                .port(0).handler(new RecordingHandler()).tls(cert.certificatePem(), dir.resolve("nope.key")).start());
        assertTrue(e.getMessage().contains("not found") && e.getMessage().contains("nope.key"), e.getMessage());
    }

    @Test
    void garbageKeyFileIsAClearError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.key"), "hello, not a key");
        TransportException e = assertThrows(TransportException.class, () -> WebSocketServer.builder()
                .port(0).handler(new RecordingHandler()).tls(cert.certificatePem(), junk).start());
        assertTrue(e.getMessage().contains("no private key"), e.getMessage());
    }
}
