package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.server.spi.TransportException;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several certificates on one listener, chosen by the name the client sends in SNI (RFC 6066 §3), and certificate
 * reload without a restart, on each TLS transport. The JDK client sends no SNI for an IP literal, so every client
 * here names its server explicitly (or deliberately not at all).
 */
class SniCertificateSelectionTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued fallback;
    static TestCertificates.Issued alpha;
    static TestCertificates.Issued beta;

    @BeforeAll
    static void certificates() throws Exception {
        fallback = TestCertificates.issue(dir, "default.test", "RSA", 1, 30);
        alpha = TestCertificates.issue(dir, "alpha.test", "EC", 1, 30);
        beta = TestCertificates.issue(dir, "beta.test", "RSA", 1, 30);
    }

    static TlsConfig threeNames() {
        return TlsConfig.builder().pem(fallback.certificatePem(), fallback.privateKeyPem())
                .sniCertificate("alpha.test", alpha.certificatePem(), alpha.privateKeyPem())
                .sniCertificate("Beta.Test", beta.certificatePem(), beta.privateKeyPem())
                .build();
    }

    /** Connects with {@code sni} (null: none), upgrades, and returns the certificate CN and the server's view. */
    static String[] visit(WebSocketServer server, String sni) throws Exception {
        SSLSocket s = TlsFixtures.socket(TlsFixtures.trustingAnything(), server.port(), sni);
        try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
            ws.sendText("sni?");
            return new String[] {TlsFixtures.peerCommonName(s), ws.readFrame(Duration.ofSeconds(10)).text()};
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void eachNameGetsItsOwnCertificate(String transport) throws Exception {
        try (WebSocketServer server = TlsFixtures.start(transport, threeNames(), new TlsFixtures.EchoHandler())) {
            // EC and RSA certificates side by side: the key type of the chosen name decides, not the default's.
            assertEquals("alpha.test", visit(server, "alpha.test")[0]);
            assertEquals("beta.test", visit(server, "beta.test")[0]);
            assertEquals("alpha.test", visit(server, "ALPHA.test")[0], "SNI names compare without case");
            assertEquals("sni=alpha.test", visit(server, "alpha.test")[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void unknownOrMissingNameGetsTheDefault(String transport) throws Exception {
        try (WebSocketServer server = TlsFixtures.start(transport, threeNames(), new TlsFixtures.EchoHandler())) {
            String[] unknown = visit(server, "gamma.test");
            assertEquals("default.test", unknown[0]);
            assertEquals("sni=gamma.test", unknown[1]);
            String[] none = visit(server, null);
            assertEquals("default.test", none[0]);
            assertEquals("sni=none", none[1]);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void keyStoreWithSeveralEntriesIsChosenBySni(String transport) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] pw = "store-pw".toCharArray();
        store.setKeyEntry("one", alpha.key(), pw, new X509Certificate[] {alpha.certificate()});
        store.setKeyEntry("two", beta.key(), pw, new X509Certificate[] {beta.certificate()});
        TlsConfig tls = TlsConfig.builder().keyStore(store, pw).build();
        try (WebSocketServer server = TlsFixtures.start(transport, tls, new TlsFixtures.EchoHandler())) {
            assertEquals("alpha.test", visit(server, "alpha.test")[0]);
            assertEquals("beta.test", visit(server, "beta.test")[0]);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void reloadServesNewConnectionsTheNewCertificate(String transport) throws Exception {
        TlsConfig before = TlsConfig.pem(fallback.certificatePem(), fallback.privateKeyPem());
        TlsConfig after = TlsConfig.pem(alpha.certificatePem(), alpha.privateKeyPem());
        try (WebSocketServer server = TlsFixtures.start(transport, before, new TlsFixtures.EchoHandler())) {
            SSLSocket oldSocket = TlsFixtures.socket(TlsFixtures.trustingAnything(), server.port(), null);
            try (RawWebSocket old = TlsFixtures.upgrade(oldSocket)) {
                assertEquals("default.test", TlsFixtures.peerCommonName(oldSocket));
                server.reloadTls(after);
                assertEquals("alpha.test", visit(server, null)[0]);
                // The connection made before the reload goes on, on its own session.
                old.sendText("still on the old session");
                assertEquals("still on the old session", old.readFrame(Duration.ofSeconds(10)).text());
            }
            // A reload that cannot load keeps what is in use and says why.
            TransportException bad = assertThrows(TransportException.class, () -> server.reloadTls(
                    TlsConfig.pem(dir.resolve("missing.crt"), alpha.privateKeyPem())));
            org.junit.jupiter.api.Assertions.assertTrue(bad.getMessage().contains("missing.crt"), bad.getMessage());
            assertEquals("alpha.test", visit(server, null)[0]);
            // And back again, with SNI names this time.
            server.reloadTls(threeNames());
            assertEquals("beta.test", visit(server, "beta.test")[0]);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void readySslContextIsUsedAsGiven(String transport) throws Exception {
        // The SSLContext form: the caller built it (here the JDK's, whatever the transport); the server still
        // applies its protocol, suite and ALPN policy to every engine.
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("k", beta.key(), "x".toCharArray(), new X509Certificate[] {beta.certificate()});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(store, "x".toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        try (WebSocketServer server = TlsFixtures.start(transport, TlsConfig.builder().sslContext(ctx).build(),
                new TlsFixtures.EchoHandler())) {
            SSLSocket s = TlsFixtures.socket(TlsFixtures.trustingAnything(), server.port(), null, "http/1.1");
            try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
                assertEquals("beta.test", TlsFixtures.peerCommonName(s));
                assertEquals("http/1.1", s.getApplicationProtocol());
            }
        }
    }
}
