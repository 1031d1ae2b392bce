package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.server.spi.TransportException;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad key material gets a clear error at {@code start()} (or {@code reloadTls}) that names the file and the
 * problem, never a server that starts and then fails every handshake; an expired certificate starts with a
 * warning (clients decide what to do with it). Certificates come from the JDK's keytool.
 */
class TlsKeyMaterialErrorsTest {
    @TempDir
    static Path dir;
    static TestCertificates.Issued good;
    static TestCertificates.Issued other;

    @BeforeAll
    static void certificates() throws Exception {
        good = TestCertificates.issue(dir, "good.test", "EC", 1, 30);
        other = TestCertificates.issue(dir, "other.test", "EC", 1, 30);
    }

    private static TransportException refused(Path cert, Path key) {
        return assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt", TlsConfig.pem(cert, key),
                new TlsFixtures.EchoHandler()));
    }

    @Test
    void missingCertificateFile() {
        TransportException e = refused(dir.resolve("absent.crt"), good.privateKeyPem());
        assertTrue(e.getMessage().contains("certificate file not found") && e.getMessage().contains("absent.crt"),
                e.getMessage());
    }

    @Test
    void missingKeyFile() {
        TransportException e = refused(good.certificatePem(), dir.resolve("absent.key"));
        assertTrue(e.getMessage().contains("private key file not found") && e.getMessage().contains("absent.key"),
                e.getMessage());
    }

    @Test
    void garbageFiles() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "certificate: see the wiki\n");
        assertTrue(refused(text, good.privateKeyPem()).getMessage().contains("no '-----BEGIN CERTIFICATE-----'"));
        assertTrue(refused(good.certificatePem(), text).getMessage().contains("no private key block"));
        Path empty = Files.writeString(dir.resolve("empty.key"), "");
        assertTrue(refused(good.certificatePem(), empty).getMessage().contains("no private key block"));
        Path binary = Files.write(dir.resolve("random.key"), new java.util.Random(3).ints(512, 0, 256)
                .collect(java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> { }).toByteArray());
        String bin = refused(good.certificatePem(), binary).getMessage();
        assertTrue(bin.contains("random.key") && bin.contains("not a PEM text file"), bin);
    }

    @Test
    void corruptPemBodies() throws Exception {
        Path badBase64 = Files.writeString(dir.resolve("bad64.key"),
                "-----BEGIN PRIVATE KEY-----\nthis is *not* base64!\n-----END PRIVATE KEY-----\n");
        String b64 = refused(good.certificatePem(), badBase64).getMessage();
        assertTrue(b64.contains("not valid Base64") && b64.contains("bad64.key"), b64);
        Path truncated = Files.writeString(dir.resolve("short.key"), TestCertificates.pem("EC PRIVATE KEY",
                new byte[] {0x30, (byte) 0x82, 0x01}));
        TransportException e = refused(good.certificatePem(), truncated);
        assertTrue(e.getMessage().contains("short.key") && e.getMessage().contains("malformed"), e.getMessage());
        Path notDer = Files.writeString(dir.resolve("notder.crt"), TestCertificates.pem("CERTIFICATE",
                "hello".getBytes()));
        assertTrue(refused(notDer, good.privateKeyPem()).getMessage().contains("not a valid X.509 certificate"));
    }

    @Test
    void keyThatBelongsToAnotherCertificate() {
        TransportException e = refused(good.certificatePem(), other.privateKeyPem());
        assertTrue(e.getMessage().contains("does not match") && e.getMessage().contains("good.test-EC.crt"),
                e.getMessage());
    }

    @Test
    void expiredCertificateStartsWithAWarning() throws Exception {
        TestCertificates.Issued expired = TestCertificates.issue(dir.resolve("old"), "expired.test", "EC", 60, 30);
        try (LogCapture log = new LogCapture();
                WebSocketServer server = TlsFixtures.start("conscrypt",
                        TlsConfig.pem(expired.certificatePem(), expired.privateKeyPem()), new TlsFixtures.EchoHandler())) {
            String line = log.find("WARNING", "expired.test", "not valid now");
            assertTrue(line.contains("clients will reject it"), line);
            // It still serves (the warning is for the operator; each client decides what an expired one means).
            SSLSocket s = TlsFixtures.socket(TlsFixtures.trustingAnything(), server.port(), null);
            try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
                assertEquals("expired.test", TlsFixtures.peerCommonName(s));
            }
        }
    }

    @Test
    void validCertificateLogsNoWarning() throws Exception {
        try (LogCapture log = new LogCapture();
                WebSocketServer server = TlsFixtures.start("conscrypt",
                        TlsConfig.pem(good.certificatePem(), good.privateKeyPem()), new TlsFixtures.EchoHandler())) {
            assertTrue(log.lines().stream().noneMatch(l -> l.startsWith("WARNING")), log.lines().toString());
            assertTrue(server.port() > 0);
        }
    }

    @Test
    void keyStoreWithWrongPassword() throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("k", good.key(), "right".toCharArray(),
                new java.security.cert.X509Certificate[] {good.certificate()});
        TransportException e = assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt",
                TlsConfig.builder().keyStore(store, "wrong".toCharArray()).build(), new TlsFixtures.EchoHandler()));
        assertTrue(e.getMessage().contains("cannot load TLS key material"), e.getMessage());
    }

    @Test
    void noKeySourceOrTwoAreBuilderErrors() {
        assertThrows(IllegalStateException.class, () -> TlsConfig.builder().build());
        assertThrows(IllegalStateException.class, () -> TlsConfig.builder().pem(good.certificatePem(),
                good.privateKeyPem()).sslContext(good.clientContext()).build());
    }
}
