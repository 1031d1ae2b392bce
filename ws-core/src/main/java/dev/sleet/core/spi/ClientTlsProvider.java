package dev.sleet.core.spi;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Where a client's TLS engines come from ({@code wss://}): the JDK's ({@code jdk-tls}, built into the client) or
 * another provider found by {@code ServiceLoader} (the {@code conscrypt} module registers one). The client picks a
 * provider by name, or the available one with the highest priority, and makes one {@link SSLContext} from it; the
 * engines are created and configured (client mode, SNI, hostname verification, ALPN) by the client. The server's
 * transports plug in through {@code dev.sleet.server.spi.TransportProvider}, under the same names and priorities.
 */
public interface ClientTlsProvider {
    /** The name users select this provider by, e.g. {@code "jdk-tls"}, {@code "conscrypt"}. */
    String name();

    /** Whether this provider can work in this JVM (a native library loads). Must not throw. */
    boolean isAvailable();

    /** Higher wins when the client chooses among available providers by itself. */
    int priority();

    /**
     * A client context from this provider, initialised with {@code keys} (a client certificate, or null for none)
     * and {@code trust} (null: the platform's default trust store).
     */
    SSLContext newClientContext(KeyManager[] keys, TrustManager[] trust) throws GeneralSecurityException;

    /** One line for logs: why this provider is or is not available. */
    default String availability() {
        return isAvailable() ? "available" : "not available";
    }
}
