package dev.sleet.server.internal;

import dev.sleet.server.TlsConfig;
import dev.sleet.server.spi.TransportException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * Turns a {@link TlsConfig} into key managers, contexts and configured engines. Public to the module only
 * through {@code dev.sleet.server.spi.TlsSupport}.
 */
public final class TlsMaterial {
    private static final String DEFAULT_ALIAS = "default";

    private TlsMaterial() {
    }

    public static SSLContext context(TlsConfig config, Supplier<SSLContext> factory) {
        if (config.sslContext().isPresent()) {
            return config.sslContext().get();
        }
        SSLContext context = factory.get();
        try {
            context.init(keyManagers(config), null, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new TransportException("cannot initialise the TLS context: " + e.getMessage(), e);
        }
        return context;
    }

    public static KeyManager[] keyManagers(TlsConfig config) {
        try {
            KeyStore store;
            char[] password;
            Map<String, String> aliasByName = new HashMap<>();
            String fallback;
            if (config.keyStore().isPresent()) {
                store = config.keyStore().get();
                password = config.keyStorePassword().orElse(new char[0]);
                fallback = null; // names nothing the store has: the key manager's own choice
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate c) {
                        for (String name : namesOf(c)) {
                            aliasByName.putIfAbsent(name, alias);
                        }
                    }
                }
            } else {
                password = "sleet".toCharArray(); // protects the in-memory store only
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                Pem.KeyPair pair = Pem.load(config.certificateChain().orElseThrow(),
                        config.privateKey().orElseThrow(), config.keyPassword().orElse(null));
                store.setKeyEntry(DEFAULT_ALIAS, pair.key(), password, pair.chain().toArray(new X509Certificate[0]));
                fallback = DEFAULT_ALIAS;
                for (Map.Entry<String, TlsConfig.PemPair> sni : config.sniCertificates().entrySet()) {
                    TlsConfig.PemPair p = sni.getValue();
                    Pem.KeyPair extra = Pem.load(p.certificateChain(), p.privateKey(), p.keyPassword());
                    String alias = "sni:" + sni.getKey();
                    store.setKeyEntry(alias, extra.key(), password, extra.chain().toArray(new X509Certificate[0]));
                    aliasByName.put(sni.getKey(), alias);
                }
            }
            // SunX509 reads every key with the store password at once, so a wrong password fails here, at start.
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(store, password);
            List<KeyManager> out = new ArrayList<>();
            for (KeyManager km : kmf.getKeyManagers()) {
                out.add(km instanceof X509KeyManager x ? new SniKeyManager(x, aliasByName, fallback) : km);
            }
            return out.toArray(new KeyManager[0]);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TransportException("cannot load TLS key material: " + e.getMessage(), e);
        }
    }

    /** The DNS names a certificate serves (RFC 6125 §6.4): its SAN dNSNames, or its CN when it has none. */
    private static List<String> namesOf(X509Certificate cert) throws java.security.cert.CertificateParsingException {
        List<String> names = new ArrayList<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (san.size() == 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                    names.add(dns.toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            for (String rdn : cert.getSubjectX500Principal().getName().split(",")) {
                if (rdn.startsWith("CN=")) {
                    names.add(rdn.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    public static SSLEngine configure(SSLEngine engine, TlsConfig config) {
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        Set<String> supportedProtocols = new HashSet<>(Arrays.asList(engine.getSupportedProtocols()));
        String[] protocols = config.protocols().stream().filter(supportedProtocols::contains).toArray(String[]::new);
        if (protocols.length == 0) {
            throw new TransportException("none of the TLS protocols " + config.protocols() + " is supported by "
                    + engine.getClass().getName());
        }
        Set<String> supportedSuites = new HashSet<>(Arrays.asList(engine.getSupportedCipherSuites()));
        String[] suites = config.cipherSuites().stream().filter(supportedSuites::contains).toArray(String[]::new);
        if (suites.length == 0) {
            throw new TransportException("none of the cipher suites " + config.cipherSuites() + " is supported");
        }
        params.setProtocols(protocols);
        params.setCipherSuites(suites);
        params.setUseCipherSuitesOrder(true);
        params.setNeedClientAuth(false);
        if (!config.applicationProtocols().isEmpty()) {
            params.setApplicationProtocols(config.applicationProtocols().toArray(new String[0]));
        }
        engine.setSSLParameters(params);
        return engine;
    }

    /**
     * Picks the certificate for the SNI name a client asked for (RFC 6066 §3): an entry registered for that exact
     * name, else one for the wildcard of its parent ({@code *.example.com}), else the default entry (or, for a
     * user's key store, the delegate's own choice). Everything else is delegated.
     */
    private static final class SniKeyManager extends X509ExtendedKeyManager {
        private final X509KeyManager delegate;
        private final Map<String, String> aliasByName;
        private final String fallback;

        SniKeyManager(X509KeyManager delegate, Map<String, String> aliasByName, String fallback) {
            this.delegate = delegate;
            this.aliasByName = Map.copyOf(aliasByName);
            this.fallback = fallback;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            String alias = aliasFor(engine == null ? null : engine.getHandshakeSession());
            if (alias != null) {
                return hasKey(alias, keyType) ? alias : null;
            }
            if (delegate instanceof X509ExtendedKeyManager ext) {
                return ext.chooseEngineServerAlias(keyType, issuers, engine);
            }
            return delegate.chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            String alias = aliasFor(socket instanceof javax.net.ssl.SSLSocket ssl ? ssl.getHandshakeSession() : null);
            if (alias != null) {
                return hasKey(alias, keyType) ? alias : null;
            }
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        /**
         * The entry for the name the client asked for, or the fallback; null to let the delegate choose. A
         * non-null answer is final: when its key does not fit the key type being tried the engine is told "none"
         * and tries its next key type, rather than being handed another name's certificate.
         */
        private String aliasFor(SSLSession session) {
            if (session instanceof ExtendedSSLSession ext) {
                for (SNIServerName name : ext.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        String n = host.getAsciiName().toLowerCase(Locale.ROOT);
                        String alias = aliasByName.get(n);
                        int dot = n.indexOf('.');
                        if (alias == null && dot > 0) {
                            alias = aliasByName.get("*" + n.substring(dot));
                        }
                        if (alias != null) {
                            return alias;
                        }
                    }
                }
            }
            return fallback;
        }

        /** True when {@code alias}'s key is of the algorithm {@code keyType} names ("EC", "RSA", "EC_RSA"...). */
        private boolean hasKey(String alias, String keyType) {
            X509Certificate[] chain = delegate.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                return false;
            }
            if (keyType == null) {
                return true;
            }
            int sep = keyType.indexOf('_');
            String wanted = sep < 0 ? keyType : keyType.substring(0, sep);
            return wanted.equalsIgnoreCase(chain[0].getPublicKey().getAlgorithm());
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }
}
