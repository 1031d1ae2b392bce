package dev.sleet.handshake;

/**
 * Size limits for an HTTP/1.1 response head a client reads (a server's answer to an upgrade request, or a proxy's
 * answer to {@code CONNECT}). A response over a limit fails the exchange with
 * {@link ClientHandshakeException.Failure#RESPONSE_TOO_LARGE} as soon as the limit is crossed, however slowly the
 * bytes arrive; they also bound what a {@link HttpResponseParser} may buffer.
 *
 * @param maxStatusLineLength the longest status line, in bytes without its CRLF (default 1024)
 * @param maxHeaderCount      the most header fields, counting repetitions (default 100)
 * @param maxHeaderBytes      the most bytes from the end of the status line to the end of the header block, every
 *                            CRLF included (default 16384)
 * @param maxBodyPrefix       the most body bytes kept from a response that refuses the upgrade, for the error
 *                            report (default 1024; 0 keeps none)
 */
public record HttpResponseLimits(int maxStatusLineLength, int maxHeaderCount, int maxHeaderBytes, int maxBodyPrefix) {

    private static final HttpResponseLimits DEFAULTS = new HttpResponseLimits(1024, 100, 16384, 1024);

    /** Checks each limit is usable. */
    public HttpResponseLimits {
        if (maxStatusLineLength < 16) {
            throw new IllegalArgumentException("maxStatusLineLength must be at least 16, was " + maxStatusLineLength);
        }
        if (maxHeaderCount < 1) {
            throw new IllegalArgumentException("maxHeaderCount must be at least 1, was " + maxHeaderCount);
        }
        if (maxHeaderBytes < 64) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 64, was " + maxHeaderBytes);
        }
        if (maxBodyPrefix < 0) {
            throw new IllegalArgumentException("maxBodyPrefix must be at least 0, was " + maxBodyPrefix);
        }
    }

    /** 1 KiB status line, 100 fields, 16 KiB of fields, 1 KiB of body kept. */
    public static HttpResponseLimits defaults() {
        return DEFAULTS;
    }

    /** These limits with another status line limit. */
    public HttpResponseLimits withMaxStatusLineLength(int bytes) {
        return new HttpResponseLimits(bytes, maxHeaderCount, maxHeaderBytes, maxBodyPrefix);
    }

    /** These limits with another header count limit. */
    public HttpResponseLimits withMaxHeaderCount(int count) {
        return new HttpResponseLimits(maxStatusLineLength, count, maxHeaderBytes, maxBodyPrefix);
    }

    /** These limits with another header size limit. */
    public HttpResponseLimits withMaxHeaderBytes(int bytes) {
        return new HttpResponseLimits(maxStatusLineLength, maxHeaderCount, bytes, maxBodyPrefix);
    }

    /** These limits with another body prefix limit. */
    public HttpResponseLimits withMaxBodyPrefix(int bytes) {
        return new HttpResponseLimits(maxStatusLineLength, maxHeaderCount, maxHeaderBytes, bytes);
    }
}
