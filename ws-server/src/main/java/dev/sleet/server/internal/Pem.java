package dev.sleet.server.internal;

import dev.sleet.server.spi.TransportException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM certificate chains and private keys as real tools write them (RFC 7468): PKCS#8
 * ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY},
 * RFC 8017 appendix A.1.2) and SEC1 EC ({@code EC PRIVATE KEY}, RFC 5915). The two legacy forms are rewrapped as
 * PKCS#8 so the JDK's key factories can read them. Every failure names the file and what was wrong.
 */
final class Pem {
    private static final System.Logger LOG = System.getLogger(Pem.class.getName());
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** rsaEncryption, 1.2.840.113549.1.1.1, as DER. */
    private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1, as DER. */
    private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Pem() {
    }

    /** A certificate chain (leaf first) and its private key, checked to belong together. */
    record KeyPair(List<X509Certificate> chain, PrivateKey key) {
    }

    static KeyPair load(Path certificateChain, Path privateKey, char[] password) {
        List<X509Certificate> chain = certificates(certificateChain);
        PrivateKey key = privateKey(privateKey, password);
        checkMatch(chain.get(0), key, certificateChain, privateKey);
        warnIfExpired(chain.get(0), certificateChain);
        return new KeyPair(chain, key);
    }

    static List<X509Certificate> certificates(Path file) {
        String text = read(file, "certificate");
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (!m.group(1).equals("CERTIFICATE")) {
                    continue;
                }
                byte[] der = base64(m.group(2), file);
                for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(der))) {
                    chain.add((X509Certificate) c);
                }
            }
        } catch (CertificateException e) {
            throw new TransportException(file + ": not a valid X.509 certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new TransportException(file + ": no '-----BEGIN CERTIFICATE-----' block found");
        }
        return chain;
    }

    static PrivateKey privateKey(Path file, char[] password) {
        String text = read(file, "private key");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            String body = m.group(2);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(base64(body, file), file);
                }
                case "RSA PRIVATE KEY" -> {
                    rejectLegacyEncryption(body, file);
                    return pkcs8(wrapPkcs8(OID_RSA, new byte[] {0x05, 0x00}, base64(body, file)), file);
                }
                case "EC PRIVATE KEY" -> {
                    rejectLegacyEncryption(body, file);
                    byte[] sec1 = base64(body, file);
                    return pkcs8(wrapPkcs8(OID_EC, curveOf(sec1, file), sec1), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    return encrypted(base64(body, file), password, file);
                }
                default -> {
                    // e.g. "EC PARAMETERS" written by openssl ecparam before the key: skip
                }
            }
        }
        throw new TransportException(file + ": no private key block found (expected PRIVATE KEY, RSA PRIVATE KEY, "
                + "EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
    }

    private static PrivateKey encrypted(byte[] der, char[] password, Path file) {
        if (password == null) {
            throw new TransportException(file + ": the key is encrypted; give its password (TlsConfig keyPassword)");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
            SecretKeyFactory factory = SecretKeyFactory.getInstance(alg);
            Key secret = factory.generateSecret(new PBEKeySpec(password));
            Cipher cipher = Cipher.getInstance(alg);
            cipher.init(Cipher.DECRYPT_MODE, secret, info.getAlgParameters());
            return pkcs8(info.getKeySpec(cipher).getEncoded(), file);
        } catch (GeneralSecurityException | IOException e) {
            throw new TransportException(file + ": cannot decrypt the key (wrong password or unsupported scheme): "
                    + e.getMessage(), e);
        }
    }

    private static void rejectLegacyEncryption(String body, Path file) {
        if (body.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new TransportException(file + ": legacy OpenSSL-encrypted PEM is not supported; convert it with "
                    + "'openssl pkcs8 -topk8' (encrypted PKCS#8 is)");
        }
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new TransportException(file + ": the private key is not an RSA, EC, EdDSA or DSA key, or is corrupt");
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier { oid, params }, OCTET STRING key }. */
    private static byte[] wrapPkcs8(byte[] oid, byte[] params, byte[] key) {
        byte[] algId = der(0x30, concat(oid, params));
        return der(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algId, der(0x04, key)));
    }

    /** The named-curve OID from SEC1's {@code [0] parameters}, as DER. */
    private static byte[] curveOf(byte[] sec1, Path file) {
        // ECPrivateKey ::= SEQUENCE { version INTEGER 1, privateKey OCTET STRING, [0] ECParameters, [1] publicKey }
        int[] pos = {0};
        expect(sec1, pos, 0x30, file);
        readLength(sec1, pos, file);
        while (pos[0] < sec1.length) {
            int tag = sec1[pos[0]++] & 0xFF;
            int len = readLength(sec1, pos, file);
            if (tag == 0xA0) {
                byte[] oid = new byte[len];
                System.arraycopy(sec1, pos[0], oid, 0, len);
                if (oid.length == 0 || oid[0] != 0x06) {
                    break;
                }
                return oid;
            }
            pos[0] += len;
        }
        throw new TransportException(file + ": EC key without a named curve; write it with its parameters");
    }

    private static void expect(byte[] b, int[] pos, int tag, Path file) {
        if (pos[0] >= b.length || (b[pos[0]++] & 0xFF) != tag) {
            throw new TransportException(file + ": malformed key (bad DER)");
        }
    }

    private static int readLength(byte[] b, int[] pos, Path file) {
        if (pos[0] >= b.length) {
            throw new TransportException(file + ": malformed key (truncated DER)");
        }
        int first = b[pos[0]++] & 0xFF;
        if (first < 0x80) {
            return first;
        }
        int n = first & 0x7F;
        if (n == 0 || n > 3 || pos[0] + n > b.length) {
            throw new TransportException(file + ": malformed key (bad DER length)");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = len << 8 | (b[pos[0]++] & 0xFF);
        }
        if (pos[0] + len > b.length) {
            throw new TransportException(file + ": malformed key (truncated DER)");
        }
        return len;
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Signs a nonce with the key and verifies it with the certificate: they must be one pair. */
    private static void checkMatch(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
        PublicKey pub = cert.getPublicKey();
        String alg = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "ED448", "EDDSA" -> key.getAlgorithm();
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (alg == null) {
            return; // e.g. RSASSA-PSS: nothing simple to check with
        }
        if (!pub.getAlgorithm().equalsIgnoreCase(key.getAlgorithm())
                && !(pub.getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))) {
            throw new TransportException(keyFile + " (" + key.getAlgorithm() + ") does not match the certificate in "
                    + certFile + " (" + pub.getAlgorithm() + ")");
        }
        try {
            byte[] nonce = "sleet-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(nonce);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(nonce);
            if (!v.verify(sig)) {
                throw new TransportException(keyFile + " does not match the certificate in " + certFile);
            }
        } catch (GeneralSecurityException e) {
            throw new TransportException(keyFile + " does not match the certificate in " + certFile + ": "
                    + e.getMessage(), e);
        }
    }

    private static void warnIfExpired(X509Certificate cert, Path file) {
        try {
            cert.checkValidity(new Date());
        } catch (CertificateException e) {
            LOG.log(System.Logger.Level.WARNING, "certificate {0} ({1}) is not valid now: {2}; clients will reject it",
                    file, cert.getSubjectX500Principal(), e.getMessage());
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TransportException("TLS " + what + " file not found: " + file, e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new TransportException(file + ": not a PEM text file (binary DER? convert it with openssl, e.g. "
                    + "'openssl x509 -inform der' or 'openssl pkey -inform der')", e);
        } catch (IOException e) {
            throw new TransportException("cannot read TLS " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] base64(String body, Path file) {
        StringBuilder clean = new StringBuilder(body.length());
        for (String line : body.split("\n")) {
            if (line.contains(":")) {
                continue; // RFC 1421 headers such as Proc-Type
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (!Character.isWhitespace(c)) {
                    clean.append(c);
                }
            }
        }
        try {
            // Strict: a MIME decoder would skip stray characters and hand garbage to the key parser.
            return Base64.getDecoder().decode(clean.toString());
        } catch (IllegalArgumentException e) {
            throw new TransportException(file + ": the PEM body is not valid Base64", e);
        }
    }
}
