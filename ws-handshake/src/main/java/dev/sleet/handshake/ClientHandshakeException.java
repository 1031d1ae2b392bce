package dev.sleet.handshake;

import java.util.Objects;
import java.util.Optional;

/**
 * Why an HTTP exchange a client makes before WebSocket frames flow failed: the opening handshake (RFC 6455 §4.1,
 * "the client MUST Fail the WebSocket Connection" cases) or an HTTP proxy's {@code CONNECT} (RFC 9110 §9.3.6).
 * {@link #failure()} says which rule broke; the status, headers and the start of the body are kept when the peer
 * answered with something other than the expected status, so the caller can report it (or follow a redirect, when
 * it chose to).
 *
 * <p>The exception describes the peer's behaviour, not a bug here: it records no stack trace.
 */
public final class ClientHandshakeException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final byte[] NO_BODY = new byte[0];

    /** What went wrong. */
    public enum Failure {
        /** The response is not HTTP/1.1: a bad status line, a bad header line, bare LF, obsolete folding, ... */
        MALFORMED_RESPONSE,
        /** The status line, the header count or the header bytes went over {@link HttpResponseLimits}. */
        RESPONSE_TOO_LARGE,
        /** The peer closed the connection before the end of the response head. */
        TRUNCATED_RESPONSE,
        /** A 3xx: the server points elsewhere; {@link #location()} has its {@code Location}. Not followed here. */
        REDIRECT,
        /** Any other status than 101 (and 3xx): {@link #status()}, {@link #headers()}, {@link #bodyPrefix()}. */
        NOT_SWITCHING_PROTOCOLS,
        /** The 101 lacks {@code Upgrade: websocket} (RFC 6455 §4.1, client rule 2). */
        BAD_UPGRADE,
        /** The 101 lacks {@code Connection: Upgrade} (§4.1, client rule 3). */
        BAD_CONNECTION,
        /** {@code Sec-WebSocket-Accept} is missing, repeated or not the value for the key sent (§4.1, rule 4). */
        BAD_ACCEPT,
        /** The server chose a subprotocol the client did not offer, or named several (§4.1, rule 6). */
        UNOFFERED_SUBPROTOCOL,
        /** The server accepted an extension the client did not offer (§4.1, rule 5). */
        UNOFFERED_EXTENSION,
        /** The server's answer to an offered extension breaks that extension's rules (e.g. RFC 7692 §7.1). */
        BAD_EXTENSION_PARAMETERS,
        /** The proxy answered {@code CONNECT} with 407: {@code Proxy-Authenticate} is in {@link #headers()}. */
        PROXY_AUTHENTICATION_REQUIRED,
        /** The proxy answered {@code CONNECT} with another status than 2xx. */
        PROXY_REFUSED
    }

    private final Failure failure;
    private final String reason;
    private final int status;
    private final transient HttpHeaders headers;
    private final byte[] bodyPrefix;

    /** A failure without a response to report (a malformed or oversized head). */
    public ClientHandshakeException(Failure failure, String reason) {
        this(failure, reason, null, NO_BODY);
    }

    /**
     * A failure with the response that caused it.
     *
     * @param response   the response head, or {@code null} when there is none
     * @param bodyPrefix the first bytes of its body, as received (not de-chunked); copied
     */
    public ClientHandshakeException(Failure failure, String reason, HttpResponseHead response, byte[] bodyPrefix) {
        super(failure + ": " + reason + (response == null ? "" : " (" + response + ")"), null, false, false);
        this.failure = Objects.requireNonNull(failure, "failure");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = response == null ? 0 : response.status();
        this.headers = response == null ? HttpHeaders.empty() : response.headers();
        this.bodyPrefix = bodyPrefix == null || bodyPrefix.length == 0 ? NO_BODY : bodyPrefix.clone();
    }

    /** Which rule broke. */
    public Failure failure() {
        return failure;
    }

    /** A short human reason, e.g. {@code "Sec-WebSocket-Accept is not the value for the key sent"}. */
    public String reason() {
        return reason;
    }

    /** The response's status, or 0 when the failure is not about a complete response head. */
    public int status() {
        return status;
    }

    /** The response's header fields; empty when there was no complete head. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The first bytes of the response body, up to {@link HttpResponseLimits#maxBodyPrefix()}; a copy. */
    public byte[] bodyPrefix() {
        return bodyPrefix.length == 0 ? NO_BODY : bodyPrefix.clone();
    }

    /** The {@code Location} of a redirect (or of any response that carried one). */
    public Optional<String> location() {
        return headers.first("Location");
    }

    @Override
    public String toString() {
        return "ClientHandshakeException[" + getMessage()
                + (bodyPrefix.length == 0 ? "" : ", " + bodyPrefix.length + " body bytes kept") + "]";
    }
}
