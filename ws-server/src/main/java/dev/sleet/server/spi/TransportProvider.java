package dev.sleet.server.spi;

/**
 * A way of carrying WebSocket bytes over the server's event loops, found with {@link java.util.ServiceLoader}
 * and chosen by {@link #name()} ({@code WebSocketServer.builder().transport("nio")}) or, when the builder names
 * none, by the highest {@link #priority()} among available providers that match the server's needs (a TLS
 * server takes a {@link #secure()} provider).
 *
 * <p>Built in: {@code nio} (plain TCP) and {@code jdk-tls} (the JDK's {@code SSLEngine}). Other modules add
 * providers with {@code provides dev.sleet.server.spi.TransportProvider with ...} in their {@code module-info}.
 */
public interface TransportProvider {

    /** The name users select this provider by, e.g. {@code "nio"}, {@code "jdk-tls"}, {@code "conscrypt"}. */
    String name();

    /**
     * Whether this provider can work in this JVM (a native library loads, a security provider exists). Computed
     * once by the provider; must not throw.
     */
    boolean isAvailable();

    /** Higher wins when the server chooses among available providers by itself. */
    int priority();

    /** True for a provider that speaks TLS (wss://). */
    boolean secure();

    /**
     * Creates the transport for one listener.
     *
     * @throws TransportException when the configuration cannot be honoured (e.g. unreadable key material)
     */
    Transport create(TransportConfig config);

    /** One line for logs: why this provider is or is not available. */
    default String availability() {
        return isAvailable() ? "available" : "not available";
    }
}
