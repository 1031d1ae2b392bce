package dev.sleet.client;

import dev.sleet.handshake.ClientHandshakeException;
import dev.sleet.handshake.HttpHeaders;

/**
 * The HTTP proxy refused the {@code CONNECT} tunnel (RFC 9110 §9.3.6): 407 when it wants credentials (its
 * {@code Proxy-Authenticate} is in {@link #headers()}), another status when it will not connect. The cause is the
 * handshake's exception ({@code PROXY_AUTHENTICATION_REQUIRED} or {@code PROXY_REFUSED}).
 */
public final class ProxyConnectException extends WebSocketClientException {
    private static final long serialVersionUID = 1L;

    public ProxyConnectException(ClientHandshakeException cause) {
        super("proxy: " + cause.getMessage(), cause);
    }

    private ClientHandshakeException handshake() {
        return (ClientHandshakeException) getCause();
    }

    /** The proxy's status. */
    public int status() {
        return handshake().status();
    }

    /** The proxy's response headers. */
    public HttpHeaders headers() {
        return handshake().headers();
    }
}
