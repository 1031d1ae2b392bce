package dev.sleet.tls.conscrypt.internal;

import dev.sleet.core.spi.ClientTlsProvider;
import dev.sleet.tls.conscrypt.ConscryptTransport;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Conscrypt's engines for the client's {@code wss://}: found by {@code ServiceLoader}, outranks {@code jdk-tls} when
 * Conscrypt's native library loads (the same rule as the server's transport).
 */
public final class ConscryptClientTlsProvider implements ClientTlsProvider {
    /** For {@code ServiceLoader}. */
    public ConscryptClientTlsProvider() {
    }

    @Override
    public String name() {
        return ConscryptTransport.NAME;
    }

    @Override
    public boolean isAvailable() {
        return ConscryptRuntime.get().available();
    }

    @Override
    public int priority() {
        return ConscryptTransport.PRIORITY;
    }

    @Override
    public String availability() {
        return ConscryptRuntime.get().description();
    }

    @Override
    public SSLContext newClientContext(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        ConscryptRuntime runtime = ConscryptRuntime.get();
        if (!runtime.available()) {
            throw new GeneralSecurityException("Conscrypt is not available: " + runtime.description());
        }
        if (trust == null) { // the platform's trust store, through the JDK's factory
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((java.security.KeyStore) null);
            trust = f.getTrustManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS", runtime.provider());
        context.init(keys, trust, null);
        return context;
    }
}
