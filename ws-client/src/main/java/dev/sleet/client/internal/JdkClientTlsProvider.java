package dev.sleet.client.internal;

import dev.sleet.core.spi.ClientTlsProvider;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/** The JDK's TLS ({@code SunJSSE}): always available, priority 10 (as the server's {@code jdk-tls}). */
public final class JdkClientTlsProvider implements ClientTlsProvider {
    /** For {@code ServiceLoader}. */
    public JdkClientTlsProvider() {
    }

    @Override
    public String name() {
        return "jdk-tls";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public SSLContext newClientContext(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException {
        if (keys == null && trust == null) {
            return SSLContext.getDefault();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, null);
        return context;
    }
}
