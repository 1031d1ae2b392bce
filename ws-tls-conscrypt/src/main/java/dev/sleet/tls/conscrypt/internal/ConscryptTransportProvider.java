package dev.sleet.tls.conscrypt.internal;

import dev.sleet.server.spi.TlsSupport;
import dev.sleet.server.spi.Transport;
import dev.sleet.server.spi.TransportConfig;
import dev.sleet.server.spi.TransportException;
import dev.sleet.server.spi.TransportProvider;
import dev.sleet.tls.conscrypt.ConscryptTransport;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * The {@code conscrypt} transport: Conscrypt's {@code SSLEngine} on the server's own event loops. Key material,
 * protocols, cipher suites, ALPN, SNI certificates and reloading come from {@link TlsSupport}, as for
 * {@code jdk-tls}; only the engine differs. Found by {@code ServiceLoader}; outranks {@code jdk-tls} when
 * Conscrypt's native library loads.
 */
public final class ConscryptTransportProvider implements TransportProvider {

    /** For {@code ServiceLoader}. */
    public ConscryptTransportProvider() {
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
    public boolean secure() {
        return true;
    }

    @Override
    public String availability() {
        return ConscryptRuntime.get().description();
    }

    @Override
    public Transport create(TransportConfig config) {
        ConscryptRuntime runtime = ConscryptRuntime.get();
        if (!runtime.available()) {
            throw new TransportException("the conscrypt transport is not available: " + runtime.description(),
                    runtime.failure());
        }
        if (config.tls() == null) {
            throw new TransportException("the conscrypt transport needs TLS settings (builder.tls(...))");
        }
        return TlsSupport.engineTransport(ConscryptTransport.NAME, config, () -> {
            try {
                return SSLContext.getInstance("TLS", runtime.provider());
            } catch (NoSuchAlgorithmException e) {
                throw new TransportException("Conscrypt offers no TLS context", e);
            }
        });
    }
}
