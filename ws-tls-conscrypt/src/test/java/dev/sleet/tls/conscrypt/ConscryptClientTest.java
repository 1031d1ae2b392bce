package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.client.TlsHandshakeException;
import dev.sleet.client.WebSocketClient;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's wss:// on Conscrypt: with this module present the client picks Conscrypt's engines by itself (the
 * client TLS provider it registers outranks jdk-tls), verifies host names with them, and can still be told to use
 * jdk-tls.
 */
class ConscryptClientTest {
    static Path dir;
    static TestCertificates.Issued cert;
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ConscryptTransport.isAvailable(),
                "SKIPPED LOUDLY: Conscrypt's native library does not load here: " + ConscryptTransport.availability());
        dir = Files.createTempDirectory("conscrypt-client");
        cert = TestCertificates.issue(dir, "localhost");
        server = WebSocketServer.builder().host("127.0.0.1").port(0).tls(cert.certificatePem(), cert.privateKeyPem())
                .handler(new WebSocketHandler() {
                    @Override
                    public void onMessage(Connection connection, Message message) {
                        if (message instanceof Message.Text t) {
                            connection.send(t.text());
                        }
                    }
                }).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(5));
        }
    }

    static TrustManager[] trusting(TestCertificates.Issued c) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("c", c.certificate());
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return f.getTrustManagers();
    }

    private static String echo(WebSocketClient client, String host) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        ConnectionHandler handler = (c, m) -> reply.complete(((Message.Text) m).text());
        Connection c = client.connect(URI.create("wss://" + host + ":" + server.port() + "/"), handler)
                .get(10, TimeUnit.SECONDS);
        c.send("Привет, BoringSSL 🎉");
        String r = reply.get(10, TimeUnit.SECONDS);
        c.close();
        return r;
    }

    @Test
    void theClientPicksConscryptByItselfAndEchoes() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().trustManagers(trusting(cert)).build()) {
            assertEquals("conscrypt", client.tlsTransport());
            assertEquals("Привет, BoringSSL 🎉", echo(client, "localhost"));
        }
    }

    @Test
    void jdkTlsCanStillBeChosen() throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().tlsTransport("jdk-tls").trustManagers(trusting(cert))
                .build()) {
            assertEquals("jdk-tls", client.tlsTransport());
            assertEquals("Привет, BoringSSL 🎉", echo(client, "localhost"));
        }
    }

    @Test
    void conscryptVerifiesTheHostName() throws Exception {
        TestCertificates.Issued other = TestCertificates.issueWithSan(dir, "other.example", "dns:other.example");
        try (WebSocketClient client = WebSocketClient.builder().trustManagers(trusting(other)).build()) {
            assertEquals("conscrypt", client.tlsTransport());
            WebSocketServer wrongName = WebSocketServer.builder().host("127.0.0.1").port(0)
                    .tls(other.certificatePem(), other.privateKeyPem()).handler((c, m) -> { }).start();
            try {
                ExecutionException e = assertThrows(ExecutionException.class, () -> client.connect(
                        URI.create("wss://localhost:" + wrongName.port() + "/"), (c, m) -> { }).get(10, TimeUnit.SECONDS));
                assertInstanceOf(TlsHandshakeException.class, e.getCause());
            } finally {
                wrongName.shutdown(Duration.ofSeconds(5));
            }
        }
    }
}
