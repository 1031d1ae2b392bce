package dev.sleet.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for TLS tests, made with the running JDK's {@code keytool} (no extra library): the
 * key pair and certificate come out of a PKCS#12 store and are written as PEM (PKCS#8 key, X.509 certificate).
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** A certificate and key written as PEM files, and a client context that trusts exactly that certificate. */
    public record Issued(Path certificatePem, Path privateKeyPem, X509Certificate certificate, PrivateKey key,
            SSLContext clientContext) {
    }

    /**
     * Issues a self-signed certificate for {@code cn} with SAN {@code dns:cn, dns:localhost, ip:127.0.0.1}.
     *
     * @param keyAlg {@code RSA} or {@code EC}
     * @param validFromDaysAgo negative for a certificate not yet valid; with {@code validityDays} makes an expired one
     */
    public static Issued issue(Path dir, String cn, String keyAlg, int validFromDaysAgo, int validityDays)
            throws IOException, GeneralSecurityException, InterruptedException {
        return issue(dir, cn, keyAlg, validFromDaysAgo, validityDays, "dns:" + cn + ",dns:localhost,ip:127.0.0.1");
    }

    /**
     * Issues a valid RSA certificate for {@code cn} whose SAN is exactly {@code san} (keytool syntax, e.g.
     * {@code dns:other.example}): for hostname-verification tests, a certificate that does not name the host a
     * client connects to.
     */
    public static Issued issueWithSan(Path dir, String cn, String san)
            throws IOException, GeneralSecurityException, InterruptedException {
        return issue(dir, cn, "RSA", 1, 30, san);
    }

    private static Issued issue(Path dir, String cn, String keyAlg, int validFromDaysAgo, int validityDays,
            String san) throws IOException, GeneralSecurityException, InterruptedException {
        Files.createDirectories(dir);
        Path store = dir.resolve(cn + "-" + keyAlg + ".p12");
        Files.deleteIfExists(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "k", "-keyalg", keyAlg,
                "-keysize", keyAlg.equals("EC") ? "256" : "2048", "-dname", "CN=" + cn,
                "-ext", "SAN=" + san,
                "-startdate", "-" + validFromDaysAgo + "d", "-validity", Integer.toString(validityDays),
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("k", "changeit".toCharArray());
        X509Certificate cert = (X509Certificate) ks.getCertificate("k");
        Path certPem = dir.resolve(cn + "-" + keyAlg + ".crt");
        Path keyPem = dir.resolve(cn + "-" + keyAlg + ".key");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new Issued(certPem, keyPem, cert, key, trusting(cert));
    }

    /** A valid RSA certificate for {@code cn}. */
    public static Issued issue(Path dir, String cn) throws IOException, GeneralSecurityException, InterruptedException {
        return issue(dir, cn, "RSA", 1, 30);
    }

    /** A client context that trusts the given certificates and nothing else. */
    public static SSLContext trusting(Certificate... certs) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certs.length; i++) {
            trust.setCertificateEntry("c" + i, certs[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** RFC 7468 text encoding. */
    public static String pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }
}
