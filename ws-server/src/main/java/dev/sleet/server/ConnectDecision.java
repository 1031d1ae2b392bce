package dev.sleet.server;

import java.util.Objects;
import java.util.Optional;

/**
 * A handler's answer to an upgrade request ({@link WebSocketHandler#onConnect}), given before the server writes
 * its 101 response (LIFE-02): accept, optionally choosing a subprotocol and attaching per-connection state, or
 * reject with an HTTP status.
 */
public sealed interface ConnectDecision permits ConnectDecision.Accept, ConnectDecision.Reject {

    /** Accept with the subprotocol the server negotiated (if any) and no state. */
    static Accept accept() {
        return Accept.DEFAULT;
    }

    /** Accept and attach {@code state}, readable later with {@link Connection#state()}. */
    static Accept accept(Object state) {
        return new Accept(null, state);
    }

    /** Reject with an HTTP status (e.g. 401, 403, 404) and a short reason sent as the response body. */
    static Reject reject(int status, String reason) {
        return new Reject(status, reason);
    }

    /**
     * Acceptance. {@code subprotocol}, when not null, overrides the server's own choice; it must be one the client
     * offered in {@code Sec-WebSocket-Protocol}, or the server refuses the upgrade with 500 rather than lie.
     */
    record Accept(String subprotocol, Object state) implements ConnectDecision {
        static final Accept DEFAULT = new Accept(null, null);

        /** This acceptance with {@code subprotocol} chosen. */
        public Accept withSubprotocol(String subprotocol) {
            return new Accept(Objects.requireNonNull(subprotocol, "subprotocol"), state);
        }

        /** This acceptance with {@code state} attached. */
        public Accept withState(Object state) {
            return new Accept(subprotocol, state);
        }

        /** The chosen subprotocol, if the handler picked one. */
        public Optional<String> chosenSubprotocol() {
            return Optional.ofNullable(subprotocol);
        }
    }

    /** Rejection: the client receives {@code status} and {@code reason}, and no WebSocket connection exists. */
    record Reject(int status, String reason) implements ConnectDecision {
        public Reject {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a rejection needs a 4xx or 5xx status, not " + status);
            }
            reason = reason == null ? "" : reason;
        }
    }
}
