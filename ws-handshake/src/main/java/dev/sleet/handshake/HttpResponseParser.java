package dev.sleet.handshake;

import dev.sleet.handshake.ClientHandshakeException.Failure;
import dev.sleet.handshake.internal.HttpChars;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads one HTTP/1.1 response head (RFC 9112 §4–§5) from any number of {@link ByteBuffer}s, however the bytes are
 * split, and stops exactly at the end of the header block: after a 101 the bytes that follow in the buffer are the
 * server's first WebSocket frames (after a proxy's 2xx to {@code CONNECT}, the tunnel's first bytes) and are left
 * where they are.
 *
 * <pre>
 * status-line  = HTTP-version SP status-code SP [ reason-phrase ] CRLF
 * field-line   = field-name ":" OWS field-value OWS CRLF
 * </pre>
 *
 * <p>Usage: call {@link #parse} with each read until it returns {@code true}, then take {@link #response()}. "Need
 * more bytes" is a {@code false} return, never an exception; when the peer closes first, {@link #endOfInput()}
 * fails with {@link Failure#TRUNCATED_RESPONSE}. For a response that refuses the upgrade, {@link #readBodyPrefix}
 * then keeps the first body bytes for the error report.
 *
 * <p>The same header rules as the server's {@link HttpRequestParser}: lines end with CRLF (a bare LF or CR is
 * refused), no control characters, no obsolete line folding, field names are tokens with no whitespace before the
 * colon. A status line without the space after the code ({@code HTTP/1.1 101}) is accepted, as RFC 9112 §4 asks
 * of recipients. Every limit of {@link HttpResponseLimits} is checked as bytes arrive, so a peer that sends an
 * endless line or endless fields is refused as soon as it crosses the limit ({@link Failure#RESPONSE_TOO_LARGE}).
 * Bad input throws a {@link ClientHandshakeException} and leaves the parser failed: later calls throw it again.
 *
 * <p>One per exchange; not thread-safe.
 *
 * <table>
 *   <caption>Mutable state</caption>
 *   <tr><th>fields</th><th>owner</th></tr>
 *   <tr><td>all</td><td>the thread reading the connection; confined, no sharing</td></tr>
 * </table>
 */
public final class HttpResponseParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private static final int STATUS_LINE = 0;
    private static final int FIELDS = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;

    private final HttpResponseLimits limits;
    private int state = STATUS_LINE;

    private byte[] line;
    private int lineLength;
    private int fieldBytes;

    private int major;
    private int minor;
    private int status;
    private String reasonPhrase;
    private final HttpHeaders.Builder fields = HttpHeaders.builder();
    private int count;

    private HttpResponseHead response;
    private ClientHandshakeException failure;

    private byte[] body;
    private int bodyLength;
    private long bodyWanted = -1;

    /** A parser with {@link HttpResponseLimits#defaults()}. */
    public HttpResponseParser() {
        this(HttpResponseLimits.defaults());
    }

    /** A parser with the given limits. */
    public HttpResponseParser(HttpResponseLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Consumes bytes from {@code src} up to and including the end of the header block.
     *
     * @return {@code true} when the head is complete ({@code src.position()} is then the first byte after it, and
     *         later calls return {@code true} without consuming anything); {@code false} when every byte was
     *         consumed and more are needed
     * @throws ClientHandshakeException {@link Failure#MALFORMED_RESPONSE} or {@link Failure#RESPONSE_TOO_LARGE};
     *                                  the parser is failed afterwards and rethrows it on every call
     */
    public boolean parse(ByteBuffer src) {
        if (state == DONE) {
            return true;
        }
        if (state == FAILED) {
            throw failure;
        }
        try {
            return readLines(src);
        } catch (ClientHandshakeException e) {
            state = FAILED;
            failure = e;
            line = null;
            throw e;
        }
    }

    /**
     * Tells the parser the peer closed the connection.
     *
     * @throws ClientHandshakeException {@link Failure#TRUNCATED_RESPONSE} when the head is not complete (or the
     *                                  failure the parser already had)
     */
    public void endOfInput() {
        if (state == FAILED) {
            throw failure;
        }
        if (state != DONE) {
            state = FAILED;
            failure = new ClientHandshakeException(Failure.TRUNCATED_RESPONSE,
                    "the connection closed before the end of the response head");
            line = null;
            throw failure;
        }
    }

    /** True once {@link #parse} has returned {@code true}. */
    public boolean isComplete() {
        return state == DONE;
    }

    /**
     * The response head.
     *
     * @throws IllegalStateException before {@link #parse} has returned {@code true}
     */
    public HttpResponseHead response() {
        if (state != DONE) {
            throw new IllegalStateException(state == FAILED ? "the response was refused: " + failure.getMessage()
                    : "the response head is not complete yet");
        }
        return response;
    }

    /**
     * After the head, keeps the first body bytes of {@code src}: up to {@link HttpResponseLimits#maxBodyPrefix()}
     * bytes, and no more than a {@code Content-Length} announces. Meant for a response that refuses the upgrade,
     * whose body explains why; the bytes are kept as received (a chunked body keeps its chunk framing).
     *
     * @return {@code true} once the prefix is complete (the cap or the announced length is reached): stop reading
     *         then; {@code false} while more body bytes are welcome (the caller stops at end of input or a
     *         deadline of its own, and takes {@link #bodyPrefix()} as it is)
     * @throws IllegalStateException before the head is complete
     */
    public boolean readBodyPrefix(ByteBuffer src) {
        response(); // throws before the head
        if (bodyWanted < 0) {
            bodyWanted = Math.min(limits.maxBodyPrefix(), announcedLength());
        }
        int n = (int) Math.min(src.remaining(), bodyWanted - bodyLength);
        if (n > 0) {
            if (body == null) {
                body = new byte[(int) bodyWanted];
            }
            src.get(body, bodyLength, n);
            bodyLength += n;
        }
        return bodyLength == bodyWanted;
    }

    /** The body bytes kept by {@link #readBodyPrefix} so far; a copy. */
    public byte[] bodyPrefix() {
        return body == null ? new byte[0] : Arrays.copyOf(body, bodyLength);
    }

    private long announcedLength() {
        if (response.headers().contains("Transfer-Encoding")) {
            return Long.MAX_VALUE;
        }
        String cl = response.headers().first("Content-Length").orElse(null);
        if (cl == null || cl.isEmpty() || cl.length() > 18) {
            return Long.MAX_VALUE;
        }
        long n = 0;
        for (int i = 0; i < cl.length(); i++) {
            char c = cl.charAt(i);
            if (c < '0' || c > '9') {
                return Long.MAX_VALUE;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    // --- lines ----------------------------------------------------------------------------------------------

    private boolean readLines(ByteBuffer src) {
        while (true) {
            int pos = src.position();
            int limit = src.limit();
            int budget = lineBudget() - lineLength; // bytes this line may still take, its CRLF included
            int scanEnd = (int) Math.min(limit, (long) pos + budget);
            int lf = indexOfLf(src, pos, scanEnd);
            if (lf < 0) {
                if (scanEnd - pos == budget) {
                    throw tooLarge(state == STATUS_LINE
                            ? "status line longer than " + limits.maxStatusLineLength() + " bytes"
                            : "header fields longer than " + limits.maxHeaderBytes() + " bytes");
                }
                append(src, pos, limit);
                src.position(limit);
                return false;
            }
            append(src, pos, lf);
            src.position(lf + 1);
            int lineBytes = lineLength + 1;
            int end = lineLength; // index of the LF in line, had it been copied
            lineLength = 0;
            if (end == 0 || line[end - 1] != CR) {
                throw malformed("a line ended with a bare LF; HTTP/1.1 lines end with CRLF");
            }
            end--; // drop the CR
            if (state == STATUS_LINE) {
                statusLine(line, end);
                state = FIELDS;
            } else {
                fieldBytes += lineBytes;
                if (end == 0) {
                    response = new HttpResponseHead(major, minor, status, reasonPhrase, fields.build());
                    state = DONE;
                    line = null;
                    return true;
                }
                fieldLine(line, end);
            }
        }
    }

    private int lineBudget() {
        return state == STATUS_LINE ? limits.maxStatusLineLength() + 2 : limits.maxHeaderBytes() - fieldBytes;
    }

    private static int indexOfLf(ByteBuffer src, int from, int to) {
        for (int i = from; i < to; i++) {
            if (src.get(i) == LF) {
                return i;
            }
        }
        return -1;
    }

    private void append(ByteBuffer src, int from, int to) {
        int n = to - from;
        int need = lineLength + n;
        if (line == null || line.length < need) {
            line = line == null ? new byte[Math.max(128, need)] : Arrays.copyOf(line, Math.max(line.length * 2, need));
        }
        src.get(from, line, lineLength, n);
        lineLength = need;
    }

    // --- status line ------------------------------------------------------------------------------------------

    private void statusLine(byte[] a, int end) {
        // "HTTP/d.d SP ddd" is 12 bytes; then SP and the reason phrase, or nothing.
        if (end < 12 || a[0] != 'H' || a[1] != 'T' || a[2] != 'T' || a[3] != 'P' || a[4] != '/'
                || !isDigit(a[5]) || a[6] != '.' || !isDigit(a[7])) {
            throw malformed("malformed status line; expected HTTP/<digit>.<digit> <status> <reason>");
        }
        if (a[8] != ' ' || !isDigit(a[9]) || !isDigit(a[10]) || !isDigit(a[11])) {
            throw malformed("malformed status line: the status code must be three digits after one space");
        }
        major = a[5] - '0';
        minor = a[7] - '0';
        status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
        if (status < 100) {
            throw malformed("status code " + status + " is below 100");
        }
        if (end == 12) {
            reasonPhrase = "";
            return;
        }
        if (a[12] != ' ') {
            throw malformed("malformed status line: the status code must be followed by a space");
        }
        for (int i = 13; i < end; i++) {
            if ((HttpChars.classOf(a[i]) & HttpChars.FIELD) == 0) {
                throw malformed(describe(a[i]) + " in the reason phrase");
            }
        }
        reasonPhrase = new String(a, 13, end - 13, StandardCharsets.ISO_8859_1);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    // --- field lines ------------------------------------------------------------------------------------------

    private void fieldLine(byte[] a, int end) {
        if (a[0] == ' ' || a[0] == '\t') {
            throw malformed("obsolete line folding (a field line starting with whitespace)");
        }
        int i = 0;
        while (i < end && (HttpChars.classOf(a[i]) & HttpChars.TCHAR) != 0) {
            i++;
        }
        if (i == end) {
            throw malformed("header field without a colon");
        }
        if (a[i] != ':') {
            throw a[i] == ' ' || a[i] == '\t' ? malformed("whitespace between a header field name and its colon")
                    : malformed(describe(a[i]) + " in a header field name");
        }
        if (i == 0) {
            throw malformed("empty header field name");
        }
        String name = new String(a, 0, i, StandardCharsets.ISO_8859_1);
        i++;
        while (i < end && (a[i] == ' ' || a[i] == '\t')) {
            i++;
        }
        int vs = i;
        int ve = i;
        for (; i < end; i++) {
            int cls = HttpChars.classOf(a[i]);
            if ((cls & HttpChars.FIELD) == 0) {
                throw malformed(describe(a[i]) + " in the value of " + name);
            }
            if ((cls & HttpChars.OWS) == 0) {
                ve = i + 1;
            }
        }
        if (count == limits.maxHeaderCount()) {
            throw tooLarge("more than " + limits.maxHeaderCount() + " header fields");
        }
        count++;
        fields.add(name, new String(a, vs, ve - vs, StandardCharsets.ISO_8859_1));
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private static String describe(byte b) {
        int c = b & 0xFF;
        if (c == 0) {
            return "NUL byte";
        }
        if (c == CR) {
            return "bare CR";
        }
        if (c < 0x20 || c == 0x7F) {
            return String.format("control character 0x%02X", c);
        }
        if (c >= 0x80) {
            return String.format("non-ASCII byte 0x%02X", c);
        }
        return c == ' ' ? "unexpected space" : "character '" + (char) c + "'";
    }

    private static ClientHandshakeException malformed(String reason) {
        return new ClientHandshakeException(Failure.MALFORMED_RESPONSE, reason);
    }

    private static ClientHandshakeException tooLarge(String reason) {
        return new ClientHandshakeException(Failure.RESPONSE_TOO_LARGE, reason);
    }
}
