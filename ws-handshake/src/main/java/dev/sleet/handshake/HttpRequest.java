package dev.sleet.handshake;

import java.util.Objects;

/**
 * An HTTP/1.1 request head as read by {@link HttpRequestParser} (RFC 9112 §3): request line and header fields.
 * Immutable.
 *
 * <p>The target is kept as sent. {@link #path()} and {@link #rawQuery()} split it; for the absolute form
 * ({@code GET http://host/chat?x HTTP/1.1}, which RFC 6455 §4.2.1 also allows) they describe the part after the
 * authority. Neither is percent-decoded; {@link HttpServerRequest#queryParams()} decodes the query.
 */
public final class HttpRequest {

    private final String method;
    private final String target;
    private final String path;
    private final String rawQuery;
    /** Version digits (0–9), kept as bytes: the request lives as long as its connection. */
    private final byte major;
    private final byte minor;
    private final HttpHeaders headers;
    private final boolean upgrade;

    HttpRequest(String method, String target, String path, String rawQuery, int major, int minor,
                HttpHeaders headers) {
        this.method = method;
        this.target = target;
        this.path = path;
        this.rawQuery = rawQuery;
        this.major = (byte) major;
        this.minor = (byte) minor;
        this.headers = headers;
        this.upgrade = headers.containsToken("Upgrade", "websocket");
    }

    /** The method, case-sensitive as RFC 9110 §9.1 says: {@code GET}. */
    public String method() {
        return method;
    }

    /** The request target exactly as sent: {@code /chat?room=1}. */
    public String target() {
        return target;
    }

    /** The path part of the target, not decoded: {@code /chat}; {@code *} for the asterisk form. */
    public String path() {
        return path;
    }

    /** The query part of the target after {@code ?}, not decoded; empty when there is none. */
    public String rawQuery() {
        return rawQuery;
    }

    /** The protocol version as sent: {@code HTTP/1.1}. */
    public String version() {
        return major == 1 && minor == 1 ? "HTTP/1.1" : "HTTP/" + major + "." + minor;
    }

    /** The major protocol version digit. */
    public int versionMajor() {
        return major;
    }

    /** The minor protocol version digit. */
    public int versionMinor() {
        return minor;
    }

    /** The header fields, in the order received. */
    public HttpHeaders headers() {
        return headers;
    }

    /**
     * True when the request carries an {@code Upgrade} field naming {@code websocket} (any case, in any comma
     * list). Such a request goes to {@link HandshakeNegotiator}; any other is plain HTTP.
     */
    public boolean isUpgradeRequest() {
        return upgrade;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof HttpRequest r
                && method.equals(r.method) && target.equals(r.target) && major == r.major && minor == r.minor
                && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, target, major, minor, headers);
    }

    /** The request head roughly as it was sent, one line per field. */
    @Override
    public String toString() {
        return method + " " + target + " " + version() + "\n" + headers;
    }
}
