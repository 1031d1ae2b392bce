package dev.sleet.server;

import dev.sleet.core.Connection;

import dev.sleet.handshake.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A handler's answer to an upgrade request ({@link WebSocketHandler#onConnect}, or later through
 * {@link WebSocketHandler#onConnectAsync}), given before the server writes its 101 response (RFC 6455 §4.2.2): accept,
 * optionally choosing a subprotocol, attaching per-connection state and adding response headers
 * ({@code Set-Cookie}); or reject with an HTTP status, headers ({@code WWW-Authenticate}, {@code Retry-After}) and a
 * short reason sent as the body.
 *
 * <p>Headers are checked when the decision is made: {@link HttpHeaders} refuses names that are not tokens and
 * values with CR, LF or other control characters (no header injection), and a decision refuses the fields the
 * server writes itself (see {@link Accept} and {@link Reject}), with an {@code IllegalArgumentException}.
 */
public sealed interface ConnectDecision permits ConnectDecision.Accept, ConnectDecision.Reject {

    /** The most a rejection's reason (its response body) may hold, in UTF-8 bytes. */
    int MAX_REASON_BYTES = 1024;

    /** Accept with the subprotocol the server negotiated (if any) and no state. */
    static Accept accept() {
        return Accept.DEFAULT;
    }

    /** Accept and attach {@code state}, readable later with {@link Connection#state(Class)}. */
    static Accept accept(Object state) {
        return new Accept(null, state);
    }

    /** Reject with an HTTP status (e.g. 401, 403, 404) and a short reason sent as the response body. */
    static Reject reject(int status, String reason) {
        return new Reject(status, reason);
    }

    /**
     * Reject with an HTTP status, extra response headers and a short reason sent as the body: {@code reject(401,
     * "login required", HttpHeaders.of("WWW-Authenticate", "Bearer realm=\"chat\""))}.
     */
    static Reject reject(int status, String reason, HttpHeaders headers) {
        return new Reject(status, reason, headers);
    }

    /**
     * Acceptance. {@code subprotocol}, when not null, overrides the server's own choice; it must be one the client
     * offered in {@code Sec-WebSocket-Protocol}, or the server refuses the upgrade with 500 rather than lie.
     * {@code headers} go into the 101 response after the negotiated fields; they may not name a field the handshake
     * owns ({@code Upgrade}, {@code Connection}, {@code Content-Length}, {@code Transfer-Encoding},
     * {@code Sec-WebSocket-*}).
     */
    record Accept(String subprotocol, Object state, HttpHeaders headers) implements ConnectDecision {
        static final Accept DEFAULT = new Accept(null, null);

        /** Checks the headers: none may be a field the handshake owns. */
        public Accept {
            Objects.requireNonNull(headers, "headers");
            for (int i = 0; i < headers.size(); i++) {
                String n = headers.name(i);
                if (n.regionMatches(true, 0, "Sec-WebSocket-", 0, 14) || n.equalsIgnoreCase("Upgrade")
                        || n.equalsIgnoreCase("Connection") || n.equalsIgnoreCase("Content-Length")
                        || n.equalsIgnoreCase("Transfer-Encoding")) {
                    throw new IllegalArgumentException(n + " is set by the handshake, not by the handler");
                }
            }
        }

        /** Acceptance without extra headers. */
        public Accept(String subprotocol, Object state) {
            this(subprotocol, state, HttpHeaders.empty());
        }

        /** This acceptance with {@code subprotocol} chosen. */
        public Accept withSubprotocol(String subprotocol) {
            return new Accept(Objects.requireNonNull(subprotocol, "subprotocol"), state, headers);
        }

        /** This acceptance with {@code state} attached. */
        public Accept withState(Object state) {
            return new Accept(subprotocol, state, headers);
        }

        /** This acceptance with {@code extra} added to its response headers. */
        public Accept withHeaders(HttpHeaders extra) {
            return new Accept(subprotocol, state, headers.with(extra));
        }

        /** This acceptance with one response header added: {@code withHeader("Set-Cookie", "sid=…; HttpOnly")}. */
        public Accept withHeader(String name, String value) {
            return withHeaders(HttpHeaders.of(name, value));
        }

        /** The chosen subprotocol, if the handler picked one. */
        public Optional<String> chosenSubprotocol() {
            return Optional.ofNullable(subprotocol);
        }
    }

    /**
     * Rejection: the client receives {@code status}, {@code headers} and {@code reason} (the body, at most
     * {@link #MAX_REASON_BYTES} UTF-8 bytes), and no WebSocket connection exists. The headers may not name a field
     * the server writes ({@code Connection}, {@code Content-Type}, {@code Content-Length},
     * {@code Transfer-Encoding}).
     */
    record Reject(int status, String reason, HttpHeaders headers) implements ConnectDecision {
        /** Checks the status (4xx or 5xx), the reason's length and the headers. */
        public Reject {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a rejection needs a 4xx or 5xx status, not " + status);
            }
            reason = reason == null ? "" : reason;
            if (reason.length() > MAX_REASON_BYTES
                    || reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
                throw new IllegalArgumentException("a rejection's reason is at most " + MAX_REASON_BYTES
                        + " bytes of UTF-8");
            }
            Objects.requireNonNull(headers, "headers");
            for (int i = 0; i < headers.size(); i++) {
                String n = headers.name(i);
                if (n.equalsIgnoreCase("Connection") || n.equalsIgnoreCase("Content-Type")
                        || n.equalsIgnoreCase("Content-Length") || n.equalsIgnoreCase("Transfer-Encoding")) {
                    throw new IllegalArgumentException(n + " is set by the server, not by the handler");
                }
            }
        }

        /** Rejection without extra headers. */
        public Reject(int status, String reason) {
            this(status, reason, HttpHeaders.empty());
        }

        /** This rejection with {@code extra} added to its response headers. */
        public Reject withHeaders(HttpHeaders extra) {
            return new Reject(status, reason, headers.with(extra));
        }

        /** This rejection with one response header added: {@code withHeader("Retry-After", "30")}. */
        public Reject withHeader(String name, String value) {
            return withHeaders(HttpHeaders.of(name, value));
        }
    }
}
