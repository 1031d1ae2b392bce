package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * wss:// end to end (SERVE-02) on each TLS transport, with the JDK's own WebSocket client: text and binary echo,
 * large messages across many TLS records, the default protocol and cipher-suite policy (TLS 1.3, and TLS 1.2 only
 * with forward-secret AEAD suites), ALPN {@code http/1.1} (RFC 7301) and the SNI name (RFC 6066 §3) on the
 * upgrade request.
 */
class WssEchoBothTransportsTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;
    static final TlsFixtures.EchoHandler handler = new TlsFixtures.EchoHandler();
    static WebSocketServer jdk;
    static WebSocketServer conscrypt;

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        TlsConfig tls = TlsConfig.pem(cert.certificatePem(), cert.privateKeyPem());
        jdk = TlsFixtures.start("jdk-tls", tls, handler);
        conscrypt = TlsFixtures.start("conscrypt", tls, handler);
    }

    @AfterAll
    static void stop() {
        jdk.close();
        conscrypt.close();
    }

    static WebSocketServer server(String transport) {
        return transport.equals("jdk-tls") ? jdk : conscrypt;
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void jdkWebSocketClientEchoesTextAndBinary(String transport) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(cert.clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        Received received = new Received();
        // "localhost" matches the certificate's SAN, so the JDK client's host name check passes.
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("wss://localhost:" + server(transport).port() + "/echo"), received)
                .get(10, TimeUnit.SECONDS);
        try {
            ws.sendText("über TLS ✓", true).get(5, TimeUnit.SECONDS);
            assertEquals("über TLS ✓", received.next());
            byte[] big = new byte[2 << 20]; // about 128 TLS records each way
            new Random(11).nextBytes(big);
            ws.sendBinary(ByteBuffer.wrap(big), true).get(20, TimeUnit.SECONDS);
            assertArrayEquals(big, (byte[]) received.next());
            for (int i = 0; i < 200; i++) {
                ws.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("m" + i, received.next());
            }
            ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            assertEquals(1000, received.closeCode.get(10, TimeUnit.SECONDS));
        } finally {
            ws.abort();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void tls13IsNegotiatedByDefaultAndAlpnPicksHttp11(String transport) throws Exception {
        SSLSocket s = TlsFixtures.socket(cert.clientContext(), server(transport).port(), null, "h2", "http/1.1");
        try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            assertEquals("http/1.1", s.getApplicationProtocol());
            ws.sendText("alpn");
            assertEquals("alpn", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void tls12ClientGetsAForwardSecretAeadSuite(String transport) throws Exception {
        SSLSocket s = TlsFixtures.socket(cert.clientContext(), server(transport).port(), null);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
            assertEquals("TLSv1.2", s.getSession().getProtocol());
            String suite = s.getSession().getCipherSuite();
            assertTrue(suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20")),
                    suite);
            ws.sendText("tls1.2");
            assertEquals("tls1.2", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void weakTls12SuitesAreRefused(String transport) throws Exception {
        SSLContext client = TlsFixtures.conscryptClientTrustingAnything();
        // Static RSA key exchange (no forward secrecy) and CBC without AEAD: both supported by the client,
        // both refused by the server's default policy.
        for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}) {
            try (SSLSocket s = TlsFixtures.socket(client, server(transport).port(), null)) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setEnabledCipherSuites(new String[] {weak});
                assertThrows(IOException.class, s::startHandshake, weak);
            }
        }
        // The same client with a strong suite gets through, so the refusals above were the server's policy.
        try (SSLSocket s = TlsFixtures.socket(client, server(transport).port(), null)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
            s.startHandshake();
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", s.getSession().getCipherSuite());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void tls10And11AreRefused(String transport) throws Exception {
        SSLContext client = TlsFixtures.conscryptClientTrustingAnything();
        // TLS 1.0 and 1.1 are off, and so is every suite they could use (CBC without AEAD).
        for (String old : new String[] {"TLSv1", "TLSv1.1"}) {
            try (SSLSocket s = TlsFixtures.socket(client, server(transport).port(), null)) {
                s.setEnabledProtocols(new String[] {old});
                s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"});
                assertThrows(IOException.class, s::startHandshake, old);
            }
        }
        TlsFixtures.assertServerStillEchoes(server(transport), cert.clientContext());
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void sniNameIsOnTheUpgradeRequest(String transport) throws Exception {
        SSLSocket s = TlsFixtures.socket(TlsFixtures.trustingAnything(), server(transport).port(), "chat.example.org");
        try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
            ws.sendText("sni?");
            assertEquals("sni=chat.example.org", ws.readFrame(Duration.ofSeconds(10)).text());
        }
        // An IP-literal connection without SNI: no server name.
        try (RawWebSocket ws = TlsFixtures.upgrade(TlsFixtures.socket(cert.clientContext(), server(transport).port(),
                null))) {
            ws.sendText("sni?");
            assertEquals("sni=none", ws.readFrame(Duration.ofSeconds(10)).text());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void clientThatDistrustsTheCertificateFailsAlone(String transport) throws Exception {
        SSLContext stranger = TestCertificates.issue(dir.resolve("other"), "localhost").clientContext();
        try (SSLSocket s = TlsFixtures.socket(stranger, server(transport).port(), null)) {
            assertThrows(SSLHandshakeException.class, s::startHandshake);
        }
        TlsFixtures.assertServerStillEchoes(server(transport), cert.clientContext());
    }

    /** Collects whole messages from the JDK client. */
    static final class Received implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        Object next() throws InterruptedException {
            Object m = messages.poll(20, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 20 s");
            }
            return m;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
