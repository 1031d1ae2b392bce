package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.server.spi.TransportException;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Key and certificate files exactly as {@code openssl} writes them (RFC 7468 PEM), served on each transport:
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, RFC 8017 A.1.2), SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}, RFC 5915, with and without the {@code EC PARAMETERS} block openssl puts before
 * it) and encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY}, RFC 5958, openssl's default PBES2 scheme). Every
 * leaf is signed by a test CA and served with the CA in its chain; clients trust only the CA.
 */
class OpensslPemKeyFormatsTest {
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path dir;
    static SSLContext trustsCa;

    @BeforeAll
    static void writeFilesWithOpenssl() throws Exception {
        if (!Openssl.isInstalled()) {
            return; // each test skips, loudly, on its own
        }
        Files.writeString(dir.resolve("leaf.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
        Openssl.run(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "30", "-subj", "/CN=Sleet Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        // The four key forms, written by the commands people actually use.
        Openssl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa-pkcs8.key");
        Openssl.run(dir, "genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
        Openssl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec-sec1-params.key");
        Openssl.run(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "ec-sec1.key");
        Openssl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec-pkcs8.key");
        Openssl.run(dir, "pkcs8", "-topk8", "-in", "rsa-pkcs8.key", "-out", "rsa-encrypted.key",
                "-passout", "pass:" + PASSWORD);
        Openssl.run(dir, "pkcs8", "-topk8", "-in", "ec-pkcs8.key", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512",
                "-out", "ec-encrypted.key", "-passout", "pass:" + PASSWORD);
        for (String name : new String[] {"rsa-pkcs8", "rsa-pkcs1", "ec-sec1-params", "ec-sec1", "ec-pkcs8"}) {
            sign(name, name + ".key", null);
        }
        sign("rsa-encrypted", "rsa-encrypted.key", PASSWORD);
        sign("ec-encrypted", "ec-encrypted.key", PASSWORD);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            trustsCa = TestCertificates.trusting(ca);
        }
    }

    /** A CA-signed certificate for {@code key}, written as a chain file: leaf, then CA. */
    private static void sign(String name, String key, String password) throws Exception {
        if (password == null) {
            Openssl.run(dir, "req", "-new", "-key", key, "-subj", "/CN=" + name, "-out", name + ".csr");
        } else {
            Openssl.run(dir, "req", "-new", "-key", key, "-passin", "pass:" + password, "-subj", "/CN=" + name,
                    "-out", name + ".csr");
        }
        Openssl.run(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "30", "-extfile", "leaf.ext", "-out", name + ".crt");
        Files.writeString(dir.resolve(name + "-chain.crt"),
                Files.readString(dir.resolve(name + ".crt")) + Files.readString(dir.resolve("ca.crt")));
    }

    static Stream<Arguments> formats() {
        return TlsFixtures.transports().flatMap(t -> Stream.of(
                Arguments.of(t, "rsa-pkcs8", "BEGIN PRIVATE KEY", null),
                Arguments.of(t, "rsa-pkcs1", "BEGIN RSA PRIVATE KEY", null),
                Arguments.of(t, "ec-sec1-params", "BEGIN EC PRIVATE KEY", null),
                Arguments.of(t, "ec-sec1", "BEGIN EC PRIVATE KEY", null),
                Arguments.of(t, "ec-pkcs8", "BEGIN PRIVATE KEY", null),
                Arguments.of(t, "rsa-encrypted", "BEGIN ENCRYPTED PRIVATE KEY", PASSWORD),
                Arguments.of(t, "ec-encrypted", "BEGIN ENCRYPTED PRIVATE KEY", PASSWORD)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("formats")
    void servesWithTheKeyAsOpensslWroteIt(String transport, String name, String marker, String password)
            throws Exception {
        Openssl.assumeInstalled();
        Path key = dir.resolve(name + ".key");
        assertTrue(Files.readString(key).contains(marker), "openssl wrote " + name + " in another form");
        TlsConfig.Builder tls = TlsConfig.builder().pem(dir.resolve(name + "-chain.crt"), key);
        if (password != null) {
            tls.keyPassword(password.toCharArray());
        }
        try (WebSocketServer server = TlsFixtures.start(transport, tls.build(), new TlsFixtures.EchoHandler())) {
            SSLSocket s = TlsFixtures.socket(trustsCa, server.port(), null);
            try (RawWebSocket ws = TlsFixtures.upgrade(s)) {
                assertEquals(name, TlsFixtures.peerCommonName(s));
                assertEquals(2, s.getSession().getPeerCertificates().length, "leaf and CA are both served");
                ws.sendText(name);
                assertEquals(name, ws.readFrame(Duration.ofSeconds(10)).text());
            }
        }
    }

    @Test
    void wrongPasswordNamesTheFile() throws Exception {
        Openssl.assumeInstalled();
        TransportException e = assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt",
                TlsConfig.builder().pem(dir.resolve("rsa-encrypted-chain.crt"), dir.resolve("rsa-encrypted.key"))
                        .keyPassword("not it".toCharArray()).build(), new TlsFixtures.EchoHandler()));
        assertTrue(e.getMessage().contains("rsa-encrypted.key") && e.getMessage().contains("wrong password"),
                e.getMessage());
    }

    @Test
    void encryptedKeyWithoutPasswordAsksForOne() throws Exception {
        Openssl.assumeInstalled();
        TransportException e = assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt",
                TlsConfig.pem(dir.resolve("ec-encrypted-chain.crt"), dir.resolve("ec-encrypted.key")),
                new TlsFixtures.EchoHandler()));
        assertTrue(e.getMessage().contains("encrypted") && e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void legacyEncryptedPkcs1IsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Openssl.assumeInstalled();
        Openssl.run(dir, "rsa", "-in", "rsa-pkcs8.key", "-traditional", "-aes256", "-passout", "pass:" + PASSWORD,
                "-out", "rsa-legacy.key");
        assertTrue(Files.readString(dir.resolve("rsa-legacy.key")).contains("Proc-Type: 4,ENCRYPTED"));
        TransportException e = assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt",
                TlsConfig.builder().pem(dir.resolve("rsa-pkcs8-chain.crt"), dir.resolve("rsa-legacy.key"))
                        .keyPassword(PASSWORD.toCharArray()).build(), new TlsFixtures.EchoHandler()));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        Openssl.assumeInstalled();
        // Same algorithm, different key: only the signature check can tell.
        TransportException rsa = assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt",
                TlsConfig.pem(dir.resolve("rsa-pkcs8-chain.crt"), dir.resolve("rsa-pkcs1.key")),
                new TlsFixtures.EchoHandler()));
        assertTrue(rsa.getMessage().contains("does not match"), rsa.getMessage());
        TransportException mixed = assertThrows(TransportException.class, () -> TlsFixtures.start("jdk-tls",
                TlsConfig.pem(dir.resolve("rsa-pkcs8-chain.crt"), dir.resolve("ec-sec1.key")),
                new TlsFixtures.EchoHandler()));
        assertTrue(mixed.getMessage().contains("does not match"), mixed.getMessage());
    }

    @Test
    void opensslCertificateAsKeyFileIsRefused() throws Exception {
        Openssl.assumeInstalled();
        TransportException e = assertThrows(TransportException.class, () -> TlsFixtures.start("conscrypt",
                TlsConfig.pem(dir.resolve("rsa-pkcs8-chain.crt"), dir.resolve("rsa-pkcs8-chain.crt")),
                new TlsFixtures.EchoHandler()));
        assertTrue(e.getMessage().contains("no private key"), e.getMessage());
    }
}
