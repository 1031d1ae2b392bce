package dev.sleet.server.spi;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLEngine;

/**
 * A transport created for one listener. The server's own event loops move the bytes; a transport decides what
 * lies between the socket and the WebSocket codec: nothing for plain TCP, or a TLS engine per connection.
 */
public interface Transport extends AutoCloseable {

    /** The provider name this transport came from. */
    String name();

    /** True when connections go through TLS; then {@link #newEngine} must return an engine. */
    boolean secure();

    /**
     * A new server-mode TLS engine for an accepted connection from {@code peer}, configured with the transport's
     * protocols, cipher suites, ALPN and certificates. Plain transports throw {@link UnsupportedOperationException}.
     */
    SSLEngine newEngine(InetSocketAddress peer);

    /**
     * Replaces the certificate material for connections accepted from now on; open connections keep theirs.
     *
     * @throws TransportException when the new material cannot be loaded (the old stays in use)
     * @throws UnsupportedOperationException for plain transports
     */
    default void reload(TransportConfig config) {
        throw new UnsupportedOperationException(name() + " has no certificates to reload");
    }

    /** Releases what the transport holds (contexts, native resources). */
    @Override
    default void close() {
    }
}
