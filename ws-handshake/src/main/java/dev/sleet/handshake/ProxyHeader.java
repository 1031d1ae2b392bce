package dev.sleet.handshake;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A parsed PROXY protocol header (HAProxy's "The PROXY protocol", versions 1 and 2): where the proxy's client
 * connected from and to. {@link #source()} is empty when the header carries no usable address — a v2
 * {@code LOCAL} command (the proxy's own health check), a v1 {@code UNKNOWN} line, a v2 {@code AF_UNSPEC} or
 * {@code AF_UNIX} family — and the server then keeps the socket's own addresses.
 *
 * @param version     1 (text) or 2 (binary)
 * @param local       true for a v2 {@code LOCAL} command
 * @param source      the client's address and port, when the header carries one
 * @param destination the address and port the client connected to (the proxy's), when the header carries one
 */
public record ProxyHeader(int version, boolean local, Optional<InetSocketAddress> source,
        Optional<InetSocketAddress> destination) {

    /** A header that tells nothing about the client (LOCAL, UNKNOWN, AF_UNSPEC, AF_UNIX). */
    static ProxyHeader unknown(int version, boolean local) {
        return new ProxyHeader(version, local, Optional.empty(), Optional.empty());
    }

    static ProxyHeader of(int version, InetSocketAddress source, InetSocketAddress destination) {
        return new ProxyHeader(version, false, Optional.of(source), Optional.of(destination));
    }
}
