package dev.sleet.server.internal;

import dev.sleet.server.spi.TlsSupport;
import dev.sleet.server.spi.Transport;
import dev.sleet.server.spi.TransportConfig;
import dev.sleet.server.spi.TransportException;
import dev.sleet.server.spi.TransportProvider;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * The built-in TLS transport ({@code jdk-tls}): the JDK's own {@code SSLEngine} (SunJSSE) on the server's event
 * loops. It works everywhere; a faster provider such as Conscrypt outranks it when present.
 */
public final class JdkTlsTransportProvider implements TransportProvider {
    public static final String NAME = "jdk-tls";

    @Override
    public String name() {
        return NAME;
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
    public boolean secure() {
        return true;
    }

    @Override
    public Transport create(TransportConfig config) {
        if (config.tls() == null) {
            throw new TransportException("the jdk-tls transport needs TLS settings (builder.tls(...))");
        }
        return TlsSupport.engineTransport(NAME, config, () -> {
            try {
                return SSLContext.getInstance("TLS");
            } catch (NoSuchAlgorithmException e) {
                throw new TransportException("the JDK offers no TLS context", e);
            }
        });
    }
}
