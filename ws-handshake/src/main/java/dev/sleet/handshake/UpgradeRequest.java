package dev.sleet.handshake;

import java.util.List;

/**
 * What a WebSocket handler sees of an upgrade request (RFC 6455 §4.1, §4.2.1): everything an
 * {@link HttpServerRequest} has — method, path, query, headers, cookies, path parameters, addresses — and the
 * subprotocols the client asked for. The subprotocol finally agreed is the connection's
 * ({@code Connection.subprotocol()}), chosen with the handler's decision. Immutable; the server builds it.
 */
public final class UpgradeRequest extends HttpServerRequest {

    private final List<String> requestedSubprotocols;

    UpgradeRequest(Parts parts, List<String> requestedSubprotocols) {
        super(parts);
        this.requestedSubprotocols = List.copyOf(requestedSubprotocols);
    }

    /** The subprotocols the client asked for ({@code Sec-WebSocket-Protocol}), in its order; empty for none. */
    public List<String> requestedSubprotocols() {
        return requestedSubprotocols;
    }
}
