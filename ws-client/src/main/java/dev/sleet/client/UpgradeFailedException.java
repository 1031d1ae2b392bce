package dev.sleet.client;

import dev.sleet.handshake.ClientHandshakeException;
import dev.sleet.handshake.HttpHeaders;
import java.util.Optional;

/**
 * The server answered, but not with an upgrade the client can accept (RFC 6455 §4.1): a status other than 101
 * (with its headers and the start of its body), a redirect (not followed), a bad {@code Upgrade},
 * {@code Connection} or {@code Sec-WebSocket-Accept}, a subprotocol or extension the client did not offer, or a
 * malformed or oversized response. {@link #failure()} says which; the cause is the handshake's own exception.
 */
public final class UpgradeFailedException extends WebSocketClientException {
    private static final long serialVersionUID = 1L;

    public UpgradeFailedException(ClientHandshakeException cause) {
        super(cause.getMessage(), cause);
    }

    private ClientHandshakeException handshake() {
        return (ClientHandshakeException) getCause();
    }

    /** What was wrong with the response. */
    public ClientHandshakeException.Failure failure() {
        return handshake().failure();
    }

    /** The response's status, or 0 when there was no complete status line. */
    public int status() {
        return handshake().status();
    }

    /** The response's headers (empty when there was no complete head). */
    public HttpHeaders headers() {
        return handshake().headers();
    }

    /** The first bytes of the response's body (a refusal's explanation), possibly empty. */
    public byte[] bodyPrefix() {
        return handshake().bodyPrefix();
    }

    /** A redirect's {@code Location}. */
    public Optional<String> location() {
        return handshake().location();
    }
}
