package dev.sleet.handshake;

import dev.sleet.handshake.internal.HeadWriter;
import dev.sleet.handshake.internal.HttpChars;
import dev.sleet.handshake.internal.StatusText;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A complete HTTP/1.1 response (RFC 9112 §4, §6): status line, header fields, {@code Content-Length} and body. For
 * plain-HTTP answers (a page, a redirect) and the error responses. Immutable.
 *
 * <pre>{@code
 * ByteBuffer out = HttpResponse.builder(200)
 *         .header("Content-Type", "text/html; charset=utf-8")
 *         .body(pageBytes)
 *         .build()
 *         .encode();
 * }</pre>
 *
 * <p>{@code Content-Length} is always computed from the body (and never sent for 1xx, 204 and 304, which have no
 * body); setting it, or {@code Transfer-Encoding}, by hand is refused.
 */
public final class HttpResponse {

    private static final byte[] NO_BODY = new byte[0];

    private final int status;
    private final String reasonPhrase;
    private final HttpHeaders headers;
    private final byte[] body;

    private HttpResponse(int status, String reasonPhrase, HttpHeaders headers, byte[] body) {
        this.status = status;
        this.reasonPhrase = reasonPhrase;
        this.headers = headers;
        this.body = body;
    }

    /** A builder for a response with {@code status} (100–599) and its standard reason phrase. */
    public static Builder builder(int status) {
        return new Builder(status);
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static HttpResponse text(int status, String text) {
        return builder(status).body(text, "text/plain; charset=utf-8").build();
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The reason phrase of the status line; may be empty. */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    /** The header fields, without the computed {@code Content-Length}. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The body, read-only; empty when there is none. */
    public ByteBuffer body() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** The bytes to send: a new buffer, position 0, limit at the end. */
    public ByteBuffer encode() {
        HeadWriter w = new HeadWriter(64 + 32 * headers.size() + body.length);
        w.statusLine(status, reasonPhrase);
        for (int i = 0; i < headers.size(); i++) {
            w.field(headers.name(i), headers.value(i));
        }
        if (mayHaveBody(status)) {
            w.field("Content-Length", Integer.toString(body.length));
        }
        return w.crlf().bytes(body).toBuffer();
    }

    private static boolean mayHaveBody(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    @Override
    public String toString() {
        return "HttpResponse[" + status + " " + reasonPhrase + ", " + headers.size() + " fields, " + body.length
                + " body bytes]";
    }

    /** Builds an {@link HttpResponse}. Not thread-safe. */
    public static final class Builder {
        private final int status;
        private String reasonPhrase;
        private final HttpHeaders.Builder headers = HttpHeaders.builder();
        private byte[] body = NO_BODY;

        private Builder(int status) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("HTTP status must be 100-599, was " + status);
            }
            this.status = status;
            this.reasonPhrase = StatusText.of(status);
        }

        /** Another reason phrase (RFC 9112 §4: it carries no meaning; printable characters only). */
        public Builder reasonPhrase(String phrase) {
            if (!HttpChars.isFieldValue(phrase)) {
                throw new IllegalArgumentException("reason phrase cannot be sent as is");
            }
            this.reasonPhrase = phrase;
            return this;
        }

        /**
         * Adds a header field.
         *
         * @throws IllegalArgumentException for an invalid name or value, or for {@code Content-Length} and
         *                                  {@code Transfer-Encoding}, which the response sets itself
         */
        public Builder header(String name, String value) {
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException(name + " is computed from the body");
            }
            headers.add(name, value);
            return this;
        }

        /** Adds every field of {@code fields}, with the checks of {@link #header}. */
        public Builder headers(HttpHeaders fields) {
            fields.forEach(this::header);
            return this;
        }

        /** The body bytes (copied). */
        public Builder body(byte[] bytes) {
            if (bytes.length > 0 && !mayHaveBody(status)) {
                throw new IllegalArgumentException("a " + status + " response has no body");
            }
            this.body = bytes.clone();
            return this;
        }

        /** A UTF-8 text body and its {@code Content-Type}, e.g. {@code text/html; charset=utf-8}. */
        public Builder body(String text, String contentType) {
            Objects.requireNonNull(contentType, "contentType");
            body(text.getBytes(StandardCharsets.UTF_8));
            headers.set("Content-Type", contentType);
            return this;
        }

        /** The response. */
        public HttpResponse build() {
            return new HttpResponse(status, reasonPhrase, headers.build(), body);
        }
    }
}
