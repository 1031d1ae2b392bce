package dev.sleet.handshake;

/**
 * Size limits for an incoming HTTP/1.1 request head, each with its own answer. They also bound what a
 * {@link HttpRequestParser} may buffer while a line is split across reads.
 *
 * @param maxRequestLineLength the longest request line, in bytes without its CRLF (default 8192); longer →
 *                             414 URI Too Long (RFC 9112 §3: the request target is what makes a request line long)
 * @param maxHeaderCount       the most header fields, counting repetitions (default 100); more → 431
 * @param maxHeaderBytes       the most bytes from the end of the request line to the end of the header block,
 *                             every CRLF included (default 8192); more → 431 (RFC 6585 §5)
 */
public record HttpLimits(int maxRequestLineLength, int maxHeaderCount, int maxHeaderBytes) {

    /** Default request line limit: 8 KiB. */
    public static final int DEFAULT_MAX_REQUEST_LINE_LENGTH = 8192;
    /** Default header count limit: 100 fields. */
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    /** Default header size limit: 8 KiB. */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8192;

    private static final HttpLimits DEFAULTS =
            new HttpLimits(DEFAULT_MAX_REQUEST_LINE_LENGTH, DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_HEADER_BYTES);

    /** Checks each limit is usable. */
    public HttpLimits {
        if (maxRequestLineLength < 16) {
            throw new IllegalArgumentException("maxRequestLineLength must be at least 16, was " + maxRequestLineLength);
        }
        if (maxHeaderCount < 1) {
            throw new IllegalArgumentException("maxHeaderCount must be at least 1, was " + maxHeaderCount);
        }
        if (maxHeaderBytes < 64) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 64, was " + maxHeaderBytes);
        }
    }

    /** 8 KiB request line, 100 header fields, 8 KiB of header fields. */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    /** These limits with another request line limit. */
    public HttpLimits withMaxRequestLineLength(int bytes) {
        return new HttpLimits(bytes, maxHeaderCount, maxHeaderBytes);
    }

    /** These limits with another header count limit. */
    public HttpLimits withMaxHeaderCount(int count) {
        return new HttpLimits(maxRequestLineLength, count, maxHeaderBytes);
    }

    /** These limits with another header size limit. */
    public HttpLimits withMaxHeaderBytes(int bytes) {
        return new HttpLimits(maxRequestLineLength, maxHeaderCount, bytes);
    }
}
