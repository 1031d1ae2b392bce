package dev.sleet.server;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * TLS settings for a wss:// listener: where the certificate and key come from, and which protocols,
 * cipher suites and ALPN names to offer. Key material comes from exactly one of: PEM files, a {@link KeyStore},
 * or a ready {@link SSLContext} (then protocols and suites are still applied to each engine).
 *
 * <p>Defaults: TLS 1.3 and TLS 1.2 with forward-secret AEAD suites only; ALPN {@code http/1.1}.
 */
public final class TlsConfig {
    /** TLS 1.3 and TLS 1.2; nothing older. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** TLS 1.3 suites and TLS 1.2 ECDHE + AEAD suites. */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final Path certificateChain;
    private final Path privateKey;
    private final char[] keyPassword;
    private final KeyStore keyStore;
    private final char[] keyStorePassword;
    private final SSLContext sslContext;
    private final Map<String, PemPair> sniCertificates;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> applicationProtocols;

    /** A PEM certificate chain and private key for one server name (SNI). */
    public record PemPair(Path certificateChain, Path privateKey, char[] keyPassword) {
        /** Checks that the chain and the key are given ({@code keyPassword} may be null). */
        public PemPair {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }
    }

    private TlsConfig(Builder b) {
        this.certificateChain = b.certificateChain;
        this.privateKey = b.privateKey;
        this.keyPassword = b.keyPassword;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.sslContext = b.sslContext;
        this.sniCertificates = Map.copyOf(b.sniCertificates);
        this.protocols = List.copyOf(b.protocols);
        this.cipherSuites = List.copyOf(b.cipherSuites);
        this.applicationProtocols = List.copyOf(b.applicationProtocols);
    }

    /** PEM certificate chain and private key (PKCS#8, PKCS#1 RSA or SEC1 EC), unencrypted. */
    public static TlsConfig pem(Path certificateChain, Path privateKey) {
        return builder().pem(certificateChain, privateKey).build();
    }

    /** A builder: one key source (PEM, a {@code KeyStore} or an {@code SSLContext}), then optional settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The PEM certificate chain, when configured from PEM. */
    public Optional<Path> certificateChain() {
        return Optional.ofNullable(certificateChain);
    }

    /** The PEM private key, when configured from PEM. */
    public Optional<Path> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    /** The password of an encrypted PEM key. */
    public Optional<char[]> keyPassword() {
        return Optional.ofNullable(keyPassword).map(char[]::clone);
    }

    /** The key store, when configured from one. */
    public Optional<KeyStore> keyStore() {
        return Optional.ofNullable(keyStore);
    }

    /** The key store's password (a copy), when configured from one. */
    public Optional<char[]> keyStorePassword() {
        return Optional.ofNullable(keyStorePassword).map(char[]::clone);
    }

    /** The ready context, when configured with one; the other settings do not apply to it then. */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /** Extra certificates by server name (SNI); the default certificate serves every other name. */
    public Map<String, PemPair> sniCertificates() {
        return sniCertificates;
    }

    /** The TLS protocol versions enabled, e.g. {@code TLSv1.3}. */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites enabled, in preference order. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** ALPN protocol names offered, in preference order. */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** Builds a {@link TlsConfig}. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private char[] keyPassword;
        private KeyStore keyStore;
        private char[] keyStorePassword;
        private SSLContext sslContext;
        private final Map<String, PemPair> sniCertificates = new LinkedHashMap<>();
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = DEFAULT_CIPHER_SUITES;
        private List<String> applicationProtocols = List.of("http/1.1");

        private Builder() {
        }

        /** Default certificate and key from PEM files. */
        public Builder pem(Path certificateChain, Path privateKey) {
            this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** The password of an encrypted PEM key ({@code BEGIN ENCRYPTED PRIVATE KEY}). */
        public Builder keyPassword(char[] password) {
            this.keyPassword = password == null ? null : password.clone();
            return this;
        }

        /** Key material from a key store holding one private key entry (or several, chosen by SNI). */
        public Builder keyStore(KeyStore keyStore, char[] password) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = password == null ? new char[0] : password.clone();
            return this;
        }

        /** A fully built context; the transport only creates engines from it. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** A certificate for clients that ask for {@code serverName} via SNI. */
        public Builder sniCertificate(String serverName, Path certificateChain, Path privateKey) {
            return sniCertificate(serverName, certificateChain, privateKey, null);
        }

        /** A certificate for clients that ask for {@code serverName} via SNI, its key encrypted with {@code password}. */
        public Builder sniCertificate(String serverName, Path certificateChain, Path privateKey, char[] password) {
            Objects.requireNonNull(serverName, "serverName");
            sniCertificates.put(serverName.toLowerCase(java.util.Locale.ROOT),
                    new PemPair(certificateChain, privateKey, password == null ? null : password.clone()));
            return this;
        }

        /** The TLS versions to enable (default TLSv1.3 and TLSv1.2); at least one. */
        public Builder protocols(String... protocols) {
            this.protocols = nonEmpty(protocols, "protocols");
            return this;
        }

        /** The cipher suites to enable, in preference order (default: ECDHE with AEAD only); at least one. */
        public Builder cipherSuites(String... suites) {
            this.cipherSuites = nonEmpty(suites, "cipher suites");
            return this;
        }

        /** The ALPN protocol names to offer, in preference order (default {@code http/1.1}). */
        public Builder applicationProtocols(String... names) {
            this.applicationProtocols = new ArrayList<>(Arrays.asList(names));
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalStateException unless exactly one key source was given
         */
        public TlsConfig build() {
            int sources = (certificateChain != null ? 1 : 0) + (keyStore != null ? 1 : 0) + (sslContext != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException(
                        "TLS needs exactly one key source: PEM files, a KeyStore or an SSLContext (found " + sources + ")");
            }
            return new TlsConfig(this);
        }

        private static List<String> nonEmpty(String[] values, String what) {
            if (values.length == 0) {
                throw new IllegalArgumentException("no " + what + " given");
            }
            return List.of(values);
        }
    }
}
