package dev.sleet.handshake;

import java.util.Objects;
import java.util.Optional;

/**
 * A received HTTP/1.1 response head (RFC 9112 §4): the status line and the header fields, as a
 * {@link HttpResponseParser} read them.
 *
 * @param versionMajor the major HTTP version (1)
 * @param versionMinor the minor HTTP version (1 for HTTP/1.1)
 * @param status       the three-digit status code, 100–999
 * @param reasonPhrase the reason phrase as sent (may be empty; RFC 9112 §4 says to ignore it)
 * @param headers      the header fields, in order
 */
public record HttpResponseHead(int versionMajor, int versionMinor, int status, String reasonPhrase,
                               HttpHeaders headers) {

    /** Checks the values. */
    public HttpResponseHead {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must have three digits: " + status);
        }
        Objects.requireNonNull(reasonPhrase, "reasonPhrase");
        Objects.requireNonNull(headers, "headers");
    }

    /** True for 3xx: the server points elsewhere ({@link #location()}). */
    public boolean isRedirect() {
        return status >= 300 && status <= 399;
    }

    /** The first {@code Location} field, if any. */
    public Optional<String> location() {
        return headers.first("Location");
    }

    /** {@code HTTP/<major>.<minor> <status> <reason>}. */
    @Override
    public String toString() {
        return "HTTP/" + versionMajor + "." + versionMinor + " " + status
                + (reasonPhrase.isEmpty() ? "" : " " + reasonPhrase);
    }
}
