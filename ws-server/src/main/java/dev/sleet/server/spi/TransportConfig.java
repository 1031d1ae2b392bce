package dev.sleet.server.spi;

import dev.sleet.server.TlsConfig;
import java.util.Optional;

/**
 * What a {@link TransportProvider} needs to create a {@link Transport} for one listener.
 *
 * @param tls certificate material and TLS options; null for a plain listener
 */
public record TransportConfig(TlsConfig tls) {

    /** A plain-TCP configuration. */
    public static TransportConfig plain() {
        return new TransportConfig(null);
    }

    /** The TLS settings, when this listener is secure. */
    public Optional<TlsConfig> tlsConfig() {
        return Optional.ofNullable(tls);
    }
}
