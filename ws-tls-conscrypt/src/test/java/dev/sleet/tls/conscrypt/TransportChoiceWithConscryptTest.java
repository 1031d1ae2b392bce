package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.ListenerInfo;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With this module on the module path a TLS server picks Conscrypt by itself (SERVE-02: "the best available TLS
 * transport") and logs which one and why; {@code jdk-tls} stays selectable by name; a server with both a plain
 * and a TLS listener uses {@code nio} and Conscrypt side by side.
 */
class TransportChoiceWithConscryptTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;

    @BeforeAll
    static void certificate() throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
    }

    @Test
    void conscryptIsChosenWithoutBeingNamed() throws Exception {
        try (LogCapture log = new LogCapture();
                WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                        .handler(new TlsFixtures.EchoHandler())
                        .tls(cert.certificatePem(), cert.privateKeyPem()).start()) {
            assertEquals("conscrypt", server.transport());
            String line = log.find("TLS transport conscrypt chosen");
            assertTrue(line.startsWith("INFO") && line.contains("highest priority (20)")
                    && line.contains("jdk-tls") && line.contains("BoringSSL"), line);
            try (RawWebSocket ws = TlsFixtures.upgrade(TlsFixtures.socket(cert.clientContext(), server.port(), null))) {
                ws.sendText("auto");
                assertEquals("auto", ws.readFrame(Duration.ofSeconds(10)).text());
            }
        }
    }

    @Test
    void jdkTlsByName() throws Exception {
        try (LogCapture log = new LogCapture();
                WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).transport("jdk-tls")
                        .handler(new TlsFixtures.EchoHandler())
                        .tls(cert.certificatePem(), cert.privateKeyPem()).start()) {
            assertEquals("jdk-tls", server.transport());
            log.find("TLS transport jdk-tls chosen by name");
        }
    }

    @Test
    void plainAndConscryptListenersOnOneServer() throws Exception {
        TlsFixtures.EchoHandler handler = new TlsFixtures.EchoHandler();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).tlsPort(0)
                .handler(handler).tls(TlsConfig.pem(cert.certificatePem(), cert.privateKeyPem())).start()) {
            assertEquals(2, server.listeners().size());
            ListenerInfo plain = server.listeners().get(0);
            ListenerInfo secure = server.listeners().get(1);
            assertEquals("nio", plain.transport());
            assertEquals("conscrypt", secure.transport());
            assertTrue(secure.secure() && !plain.secure());
            assertEquals(secure.address().getPort(), server.tlsPort());
            try (RawWebSocket p = RawWebSocket.connect(server.port());
                    RawWebSocket s = TlsFixtures.upgrade(TlsFixtures.socket(cert.clientContext(), server.tlsPort(),
                            null))) {
                p.sendText("plain");
                s.sendText("secure");
                assertEquals("plain", p.readFrame(Duration.ofSeconds(10)).text());
                assertEquals("secure", s.readFrame(Duration.ofSeconds(10)).text());
            }
            // A plain client on the TLS port gets nowhere; the listeners do not mix.
            try (RawWebSocket wrong = RawWebSocket.connect(server.tlsPort())) {
                throw new AssertionError("a plain upgrade on the TLS port succeeded");
            } catch (java.io.IOException expected) {
                // the TLS listener cannot parse it
            }
        }
    }
}
