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
            if (config.keyStore().isPresent()) {
                store = config.keyStore().get();
                password = config.keyStorePassword().orElse(new char[0]);
            } else {
                password = "sleet".toCharArray(); // protects the in-memory store only
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                Pem.KeyPair pair = Pem.load(config.certificateChain().orElseThrow(), config.privateKey().orElseThrow(),
                        config.keyPassword().orElse(null));
                store.setKeyEntry(DEFAULT_ALIAS, pair.key(), password, pair.chain().toArray(new X509Certificate[0]));
                for (Map.Entry<String, TlsConfig.PemPair> sni : config.sniCertificates().entrySet()) {
                    TlsConfig.PemPair p = sni.getValue();
                    Pem.KeyPair extra = Pem.load(p.certificateChain(), p.privateKey(), p.keyPassword());
                    store.setKeyEntry("sni:" + sni.getKey(), extra.key(), password,
                            extra.chain().toArray(new X509Certificate[0]));
                }
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            List<KeyManager> out = new ArrayList<>();
            for (KeyManager km : kmf.getKeyManagers()) {
                out.add(km instanceof X509KeyManager x ? new SniKeyManager(x) : km);
            }
            return out.toArray(new KeyManager[0]);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TransportException("cannot load TLS key material: " + e.getMessage(), e);
        }
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
     * Picks the certificate for the SNI name a client asked for (RFC 6066 §3), falling back to the default one;
     * everything else is delegated.
     */
    private static final class SniKeyManager extends X509ExtendedKeyManager {
        private final X509KeyManager delegate;

        SniKeyManager(X509KeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            SSLSession session = engine == null ? null : engine.getHandshakeSession();
            String alias = bySni(keyType, session);
            if (alias != null) {
                return alias;
            }
            if (delegate instanceof X509ExtendedKeyManager ext) {
                String chosen = ext.chooseEngineServerAlias(keyType, issuers, engine);
                if (chosen != null && chosen.startsWith("sni:") && hasKey(DEFAULT_ALIAS, keyType)) {
                    return DEFAULT_ALIAS; // a client without SNI gets the default certificate
                }
                return chosen;
            }
            return delegate.chooseServerAlias(keyType, issuers, null);
        }

        private String bySni(String keyType, SSLSession session) {
            if (!(session instanceof ExtendedSSLSession ext)) {
                return null;
            }
            for (SNIServerName name : ext.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    String alias = "sni:" + host.getAsciiName().toLowerCase(Locale.ROOT);
                    if (hasKey(alias, keyType)) {
                        return alias;
                    }
                }
            }
            return null;
        }

        private boolean hasKey(String alias, String keyType) {
            X509Certificate[] chain = delegate.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                return false;
            }
            String alg = chain[0].getPublicKey().getAlgorithm();
            return keyType == null || keyType.equalsIgnoreCase(alg)
                    || keyType.startsWith("EC") && alg.equals("EC")
                    || keyType.startsWith("RSA") && alg.startsWith("RSA");
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
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
