package dev.sleet.handshake;

import java.util.Objects;

/**
 * A request the server refuses before the upgrade, with the HTTP status to answer it with (RFC 6455 §4.2.1–§4.2.2:
 * "the server MUST stop processing the client's handshake and return an HTTP response with an appropriate error
 * code"). {@link HandshakeResponses#error(HandshakeException)} turns it into the response.
 *
 * <p>The statuses used by this module: 400 (malformed request or a broken §4.2.1 rule), 403 ({@code Origin} not
 * allowed), 414 (request line too long), 426 (unsupported {@code Sec-WebSocket-Version}, with
 * {@code Sec-WebSocket-Version: 13} in {@link #headers()}) and 431 (too many or too large header fields). A server
 * may raise others (401, 404, 503, ...).
 *
 * <p>The exception describes bad input, not a bug: it records no stack trace, so refusing a flood of bad requests
 * stays cheap.
 */
public final class HandshakeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The status for a malformed request or a broken upgrade rule. */
    public static final int BAD_REQUEST = 400;
    /** The status for an {@code Origin} outside the allow-list. */
    public static final int FORBIDDEN = 403;
    /** The status for a request line longer than {@link HttpLimits#maxRequestLineLength()}. */
    public static final int URI_TOO_LONG = 414;
    /** The status for a {@code Sec-WebSocket-Version} other than 13 (RFC 6455 §4.2.2). */
    public static final int UPGRADE_REQUIRED = 426;
    /** The status for too many header fields or too many header bytes (RFC 6585 §5). */
    public static final int HEADER_FIELDS_TOO_LARGE = 431;

    /** The HTTP status to answer with. */
    private final int status;
    /** The short reason sent as the body. */
    private final String reason;
    private final transient HttpHeaders headers;

    /**
     * A refusal with no extra response headers.
     *
     * @param status the HTTP status, 400–599
     * @param reason a short human reason, sent as the response body
     */
    public HandshakeException(int status, String reason) {
        this(status, reason, HttpHeaders.empty());
    }

    /**
     * A refusal whose response carries extra headers (for 426: {@code Sec-WebSocket-Version: 13}).
     *
     * @param status  the HTTP status, 400–599
     * @param reason  a short human reason, sent as the response body
     * @param headers extra response headers
     */
    public HandshakeException(int status, String reason, HttpHeaders headers) {
        super(status + " " + reason, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx status, not " + status);
        }
        this.status = status;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** A short human reason, e.g. {@code "missing Sec-WebSocket-Key"}. */
    public String reason() {
        return reason;
    }

    /** Extra headers the error response must carry; empty for most statuses. */
    public HttpHeaders headers() {
        return headers;
    }
}
