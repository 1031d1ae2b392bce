package dev.sleet.handshake;

import dev.sleet.handshake.internal.HttpChars;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads one HTTP/1.1 request head (RFC 9112 §2–§5) from any number of {@link ByteBuffer}s, however the bytes are
 * split, and stops at the end of the header block: bytes after it (a client may send its first WebSocket frame in
 * the same packet) stay in the buffer for the frame parser.
 *
 * <pre>
 * request-line = method SP request-target SP HTTP-version CRLF
 * field-line   = field-name ":" OWS field-value OWS CRLF
 * HTTP-message = request-line *( field-line ) CRLF [ message-body ]
 * </pre>
 *
 * <p>Usage: call {@link #parse} with each read until it returns {@code true}, then take {@link #request()}.
 * "Need more bytes" is a {@code false} return, never an exception. Bad input throws a {@link HandshakeException}
 * with its status and leaves the parser failed: later calls throw the same exception.
 *
 * <p>What is refused, and with what:
 * <ul>
 *   <li>414: a request line longer than {@link HttpLimits#maxRequestLineLength()} (checked as bytes arrive, so a
 *       line without an end is refused as soon as it is too long);</li>
 *   <li>431: more than {@link HttpLimits#maxHeaderCount()} fields, or more than
 *       {@link HttpLimits#maxHeaderBytes()} bytes of fields;</li>
 *   <li>400: a line not ended by CRLF (bare LF or bare CR), NUL or another control character, obsolete line
 *       folding (RFC 9112 §5.2), a field name that is not a token or is followed by whitespace before the colon
 *       (§5.1), a malformed request line, target or version, an empty line before the request line, a second
 *       {@code Host} or {@code Sec-WebSocket-Key}, a missing {@code Host} in HTTP/1.1 (§3.2), a malformed or
 *       conflicting {@code Content-Length} (§6.3), and a body on an upgrade request.</li>
 * </ul>
 *
 * <p>A parser is meant to be created per connection and dropped after the handshake: it holds a few fields and,
 * only while a line is split across buffers, a copy of that line (never more than the limits allow). Not
 * thread-safe.
 *
 * <p>Strings a request keeps are shared where they repeat across connections: known field names and values are
 * constants, and the short values of a few fields that carry no secret ({@code Host}, {@code Origin},
 * {@code User-Agent}, ...) and request targets without a query come from a small table of recently seen strings
 * (the same for every client of a site), so that each connection, which keeps its request for as long as it lives,
 * does not hold its own copy.
 *
 * <table>
 *   <caption>Who touches what</caption>
 *   <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 *   <tr><td>instance fields</td><td>the thread parsing</td><td>the same thread</td><td>confined</td></tr>
 *   <tr><td>{@code RECENT} (shared by every parser)</td><td>any parsing thread</td><td>any parsing thread</td>
 *       <td>none needed: slots hold immutable strings (safely published by their final fields); a lost or
 *       overwritten entry only means one more copy</td></tr>
 * </table>
 */
public final class HttpRequestParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';

    private static final int REQUEST_LINE = 0;
    private static final int FIELDS = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;

    // Field names the handshake looks at, in canonical case. A received name equal to one of them (any case) is
    // stored as the constant, which saves a string and makes later look-ups hit the identity check.
    private static final String HOST = "Host";
    private static final String KEY = "Sec-WebSocket-Key";
    private static final String CONTENT_LENGTH = "Content-Length";
    private static final String TRANSFER_ENCODING = "Transfer-Encoding";
    private static final String[] KNOWN_NAMES = {
        HOST, "Upgrade", "Connection", "Origin", KEY, "Sec-WebSocket-Version", "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Cache-Control",
        "Pragma", "Cookie", CONTENT_LENGTH, TRANSFER_ENCODING,
    };
    private static final byte[][] KNOWN_BYTES = new byte[KNOWN_NAMES.length][];
    /**
     * Field values that nearly every upgrade request repeats byte for byte: they share one string instead of each
     * connection keeping its own copy for as long as it lives (the request stays reachable from the connection).
     */
    private static final String[] KNOWN_VALUES = {
        "websocket", "Upgrade", "13", "keep-alive, Upgrade", "no-cache", "permessage-deflate; client_max_window_bits",
        "permessage-deflate", "gzip, deflate, br, zstd", "gzip, deflate, br", "gzip, deflate", "*/*",
    };
    private static final byte[][] KNOWN_VALUE_BYTES = new byte[KNOWN_VALUES.length][];

    static {
        for (int i = 0; i < KNOWN_NAMES.length; i++) {
            KNOWN_BYTES[i] = KNOWN_NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
        for (int i = 0; i < KNOWN_VALUES.length; i++) {
            KNOWN_VALUE_BYTES[i] = KNOWN_VALUES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Fields whose values repeat across the clients of a site and carry no secret: only these are shared. Not the
     * key (new on every request), nor {@code Cookie}, {@code Sec-WebSocket-Protocol} or unknown fields, which may
     * carry credentials that must not outlive their connection in a shared table.
     */
    private static final java.util.Set<String> SHARED_VALUE_NAMES = java.util.Set.of(HOST, "Upgrade", "Connection",
            "Origin", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "User-Agent", "Accept", "Accept-Encoding",
            "Accept-Language", "Cache-Control", "Pragma");

    /** Slots of the recently-seen table (a power of two) and the longest string it keeps. */
    private static final int RECENT_SLOTS = 256;
    private static final int RECENT_MAX_LENGTH = 256;
    private static final String[] RECENT = new String[RECENT_SLOTS];

    private final HttpLimits limits;
    private int state = REQUEST_LINE;

    // A line split across buffers (or read from a buffer without an accessible array), copied here until its LF
    // arrives. Allocated on first need; bounded by the limits.
    private byte[] line;
    private int lineLength;

    private int fieldBytes;
    private String method;
    private String target;
    private int major;
    private int minor;
    private String[] names;
    private String[] values;
    private int count;
    private boolean sawHost;
    private boolean sawKey;
    private boolean sawContentLength;
    private boolean sawTransferEncoding;

    private HttpRequest request;
    private HandshakeException failure;

    /** A parser with {@link HttpLimits#defaults()}. */
    public HttpRequestParser() {
        this(HttpLimits.defaults());
    }

    /** A parser with the given limits. */
    public HttpRequestParser(HttpLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Consumes bytes from {@code src} up to and including the end of the header block.
     *
     * @return {@code true} when the request head is complete ({@code src.position()} is then the first byte after
     *         it, and later calls return {@code true} without consuming anything); {@code false} when every byte
     *         was consumed and more are needed
     * @throws HandshakeException for bad input; the parser is failed afterwards and rethrows it on every call
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
        } catch (HandshakeException e) {
            state = FAILED;
            failure = e;
            line = null;
            names = null;
            values = null;
            throw e;
        }
    }

    /** True once {@link #parse} has returned {@code true}. */
    public boolean isComplete() {
        return state == DONE;
    }

    /**
     * The parsed request.
     *
     * @throws IllegalStateException before {@link #parse} has returned {@code true}
     */
    public HttpRequest request() {
        if (state != DONE) {
            throw new IllegalStateException(state == FAILED ? "the request was refused: " + failure.getMessage()
                    : "the request head is not complete yet");
        }
        return request;
    }

    private boolean readLines(ByteBuffer src) {
        while (true) {
            int pos = src.position();
            int limit = src.limit();
            int budget = lineBudget() - lineLength; // bytes this line may still take, its CRLF included
            int scanEnd = (int) Math.min(limit, (long) pos + budget);
            int lf = indexOfLf(src, pos, scanEnd);
            if (lf < 0) {
                if (scanEnd - pos == budget) {
                    throw tooLong();
                }
                append(src, pos, limit);
                src.position(limit);
                return false;
            }
            byte[] a;
            int from;
            int to; // index of the LF
            if (lineLength == 0 && src.hasArray()) {
                a = src.array();
                from = src.arrayOffset() + pos;
                to = src.arrayOffset() + lf;
            } else {
                append(src, pos, lf);
                a = line;
                from = 0;
                to = lineLength;
            }
            src.position(lf + 1);
            int lineBytes = to - from + 1;
            lineLength = 0;
            if (to == from || a[to - 1] != CR) {
                throw bad("a line ended with a bare LF; HTTP/1.1 lines end with CRLF");
            }
            int end = to - 1;
            if (state == REQUEST_LINE) {
                requestLine(a, from, end);
                state = FIELDS;
            } else {
                fieldBytes += lineBytes;
                if (end == from) {
                    finish();
                    state = DONE;
                    line = null;
                    return true;
                }
                fieldLine(a, from, end);
            }
        }
    }

    private int lineBudget() {
        return state == REQUEST_LINE ? limits.maxRequestLineLength() + 2 : limits.maxHeaderBytes() - fieldBytes;
    }

    private HandshakeException tooLong() {
        if (state == REQUEST_LINE) {
            return new HandshakeException(HandshakeException.URI_TOO_LONG,
                    "request line longer than " + limits.maxRequestLineLength() + " bytes");
        }
        return new HandshakeException(HandshakeException.HEADER_FIELDS_TOO_LARGE,
                "header fields longer than " + limits.maxHeaderBytes() + " bytes");
    }

    private static int indexOfLf(ByteBuffer src, int from, int to) {
        if (src.hasArray()) {
            byte[] a = src.array();
            int off = src.arrayOffset();
            for (int i = from + off, end = to + off; i < end; i++) {
                if (a[i] == LF) {
                    return i - off;
                }
            }
            return -1;
        }
        for (int i = from; i < to; i++) {
            if (src.get(i) == LF) {
                return i;
            }
        }
        return -1;
    }

    private void append(ByteBuffer src, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        int need = lineLength + n;
        if (line == null || line.length < need) {
            int cap = Math.max(need, line == null ? 256 : line.length * 2);
            cap = Math.min(cap, Math.max(limits.maxRequestLineLength() + 2, limits.maxHeaderBytes()));
            line = line == null ? new byte[Math.max(cap, need)] : Arrays.copyOf(line, Math.max(cap, need));
        }
        src.get(from, line, lineLength, n);
        lineLength = need;
    }

    // --- request line ----------------------------------------------------------------------------------------

    private void requestLine(byte[] a, int from, int end) {
        if (end == from) {
            throw bad("empty line where the request line was expected");
        }
        int i = from;
        while (i < end && (HttpChars.classOf(a[i]) & HttpChars.TCHAR) != 0) {
            i++;
        }
        if (i == from) {
            throw badByte(a[i], "the method");
        }
        if (i == end || a[i] != SP) {
            throw i == end ? bad("request line has no request target") : badByte(a[i], "the method");
        }
        method = i - from == 3 && a[from] == 'G' && a[from + 1] == 'E' && a[from + 2] == 'T'
                ? "GET" : latin1(a, from, i);
        int t = ++i;
        while (i < end && (HttpChars.classOf(a[i]) & HttpChars.TARGET) != 0) {
            i++;
        }
        if (i == t) {
            throw i == end ? bad("request line has no request target") : badByte(a[i], "the request target");
        }
        if (i == end || a[i] != SP) {
            throw i == end ? bad("request line has no HTTP version") : badByte(a[i], "the request target");
        }
        // a target with a query may carry a token: shared only without one
        target = indexOf(a, t, i, (byte) '?') < 0 ? recent(a, t, i) : latin1(a, t, i);
        i++;
        if (end - i != 8 || a[i] != 'H' || a[i + 1] != 'T' || a[i + 2] != 'T' || a[i + 3] != 'P'
                || a[i + 4] != '/' || !isDigit(a[i + 5]) || a[i + 6] != '.' || !isDigit(a[i + 7])) {
            throw bad("malformed HTTP version; expected HTTP/<digit>.<digit>");
        }
        major = a[i + 5] - '0';
        minor = a[i + 7] - '0';
        if (target.indexOf('#') >= 0) {
            throw bad("request target contains a fragment ('#')");
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    // --- field lines -----------------------------------------------------------------------------------------

    private void fieldLine(byte[] a, int from, int end) {
        byte first = a[from];
        if (first == SP || first == '\t') {
            throw bad("obsolete line folding (a field line starting with whitespace)");
        }
        int i = from;
        while (i < end && (HttpChars.classOf(a[i]) & HttpChars.TCHAR) != 0) {
            i++;
        }
        if (i == end) {
            throw bad("header field without a colon");
        }
        if (a[i] != ':') {
            throw a[i] == SP || a[i] == '\t' ? bad("whitespace between a header field name and its colon")
                    : badByte(a[i], "a header field name");
        }
        if (i == from) {
            throw bad("empty header field name");
        }
        String name = fieldName(a, from, i);
        i++;
        while (i < end && (a[i] == SP || a[i] == '\t')) {
            i++;
        }
        int vs = i;
        int ve = i;
        for (; i < end; i++) {
            int cls = HttpChars.classOf(a[i]);
            if ((cls & HttpChars.FIELD) == 0) {
                throw badByte(a[i], "the value of " + name);
            }
            if ((cls & HttpChars.OWS) == 0) {
                ve = i + 1;
            }
        }
        addField(name, vs == ve ? "" : fieldValue(name, a, vs, ve));
    }

    private static String fieldValue(String name, byte[] a, int from, int to) {
        int n = to - from;
        for (int k = 0; k < KNOWN_VALUE_BYTES.length; k++) {
            byte[] known = KNOWN_VALUE_BYTES[k];
            if (known.length == n && Arrays.equals(a, from, to, known, 0, n)) {
                return KNOWN_VALUES[k];
            }
        }
        return SHARED_VALUE_NAMES.contains(name) ? recent(a, from, to) : latin1(a, from, to);
    }

    /**
     * {@code a[from, to)} as a string, the one in the recently-seen table when it holds these bytes (else a new one,
     * which takes the slot). Strings longer than {@link #RECENT_MAX_LENGTH} are not shared.
     */
    static String recent(byte[] a, int from, int to) {
        int n = to - from;
        if (n > RECENT_MAX_LENGTH) {
            return latin1(a, from, to);
        }
        int h = n;
        for (int i = from; i < to; i++) {
            h = 31 * h + a[i];
        }
        int slot = (h ^ (h >>> 16)) & (RECENT_SLOTS - 1);
        String seen = RECENT[slot];
        if (seen != null && seen.length() == n && sameLatin1(seen, a, from)) {
            return seen;
        }
        String s = latin1(a, from, to);
        RECENT[slot] = s;
        return s;
    }

    private static int indexOf(byte[] a, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameLatin1(String s, byte[] a, int from) {
        for (int k = 0, n = s.length(); k < n; k++) {
            if (s.charAt(k) != (char) (a[from + k] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private void addField(String name, String value) {
        if (count == limits.maxHeaderCount()) {
            throw new HandshakeException(HandshakeException.HEADER_FIELDS_TOO_LARGE,
                    "more than " + limits.maxHeaderCount() + " header fields");
        }
        if (name == HOST) {
            if (sawHost) {
                throw bad("more than one Host field");
            }
            sawHost = true;
        } else if (name == KEY) {
            if (sawKey) {
                throw bad("more than one Sec-WebSocket-Key field");
            }
            sawKey = true;
        } else if (name == CONTENT_LENGTH) {
            sawContentLength = true;
        } else if (name == TRANSFER_ENCODING) {
            sawTransferEncoding = true;
        }
        if (names == null) {
            int cap = Math.min(16, limits.maxHeaderCount());
            names = new String[cap];
            values = new String[cap];
        } else if (count == names.length) {
            int cap = Math.min(count * 2, limits.maxHeaderCount());
            names = Arrays.copyOf(names, cap);
            values = Arrays.copyOf(values, cap);
        }
        names[count] = name;
        values[count] = value;
        count++;
    }

    private static String fieldName(byte[] a, int from, int to) {
        int n = to - from;
        for (int k = 0; k < KNOWN_BYTES.length; k++) {
            byte[] known = KNOWN_BYTES[k];
            if (known.length == n && equalsIgnoreCase(a, from, known)) {
                return KNOWN_NAMES[k];
            }
        }
        return latin1(a, from, to);
    }

    // Both sides are tokens here: for tchars, OR-ing 0x20 only folds letter case (no other two tchars collide with
    // the letters and '-' of the known names).
    private static boolean equalsIgnoreCase(byte[] a, int from, byte[] known) {
        for (int k = 0; k < known.length; k++) {
            if ((a[from + k] | 0b0010_0000) != (known[k] | 0b0010_0000)) {
                return false;
            }
        }
        return true;
    }

    // --- end of the head -------------------------------------------------------------------------------------

    private void finish() {
        // The request lives as long as the connection: HttpHeaders keeps one exact-size copy of the fields.
        HttpHeaders headers = count == 0 ? HttpHeaders.empty() : new HttpHeaders(names, values, count);
        if (!sawHost && (major > 1 || major == 1 && minor >= 1)) {
            throw bad("missing Host field");
        }
        long contentLength = 0;
        if (sawContentLength) {
            contentLength = contentLength(headers);
            if (sawTransferEncoding) {
                throw bad("both Content-Length and Transfer-Encoding");
            }
        }
        String path;
        String query;
        if (target.equals("*")) {
            path = "*";
            query = "";
        } else {
            int start;
            if (target.charAt(0) == '/') {
                start = 0;
            } else {
                start = absoluteFormPathStart(target);
                if (start < 0) {
                    throw bad("request target is neither a path nor an absolute URI");
                }
            }
            int q = target.indexOf('?', start);
            path = q < 0 ? target.substring(start) : target.substring(start, q);
            query = q < 0 ? "" : target.substring(q + 1);
            if (path.isEmpty()) {
                path = "/";
            }
        }
        request = new HttpRequest(method, target, path, query, major, minor, headers);
        if (request.isUpgradeRequest() && (sawTransferEncoding || contentLength > 0)) {
            throw bad("an upgrade request must not have a body");
        }
    }

    /** RFC 9112 §6.3: every Content-Length must be the same run of digits. */
    private static long contentLength(HttpHeaders headers) {
        String first = null;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i) != CONTENT_LENGTH) {
                continue;
            }
            String v = headers.value(i);
            if (first == null) {
                first = v;
            } else if (!first.equals(v)) {
                throw bad("conflicting Content-Length fields");
            }
        }
        if (first == null || first.isEmpty() || first.length() > 18) {
            throw bad("malformed Content-Length");
        }
        long n = 0;
        for (int i = 0; i < first.length(); i++) {
            char c = first.charAt(i);
            if (c < '0' || c > '9') {
                throw bad("malformed Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * For {@code scheme "://" authority [path-abempty] ["?" query]} (RFC 3986 §3), the index where the path
     * starts; -1 when the target is not of that form.
     */
    private static int absoluteFormPathStart(String t) {
        int i = 0;
        int n = t.length();
        if (n == 0 || !isAlpha(t.charAt(0))) {
            return -1;
        }
        while (i < n && (isAlpha(t.charAt(i)) || (t.charAt(i) >= '0' && t.charAt(i) <= '9')
                || t.charAt(i) == '+' || t.charAt(i) == '-' || t.charAt(i) == '.')) {
            i++;
        }
        if (!t.startsWith("://", i)) {
            return -1;
        }
        i += 3;
        int authority = i;
        while (i < n && t.charAt(i) != '/' && t.charAt(i) != '?') {
            i++;
        }
        return i == authority ? -1 : i;
    }

    private static boolean isAlpha(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static String latin1(byte[] a, int from, int to) {
        return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static HandshakeException bad(String reason) {
        return new HandshakeException(HandshakeException.BAD_REQUEST, reason);
    }

    private static HandshakeException badByte(byte b, String where) {
        int c = b & 0xFF;
        String what;
        if (c == 0) {
            what = "NUL byte";
        } else if (c == CR) {
            what = "bare CR";
        } else if (c < 0x20 || c == 0x7F) {
            what = String.format("control character 0x%02X", c);
        } else if (c == SP) {
            what = "unexpected space";
        } else if (c >= 0x80) {
            what = String.format("non-ASCII byte 0x%02X", c);
        } else {
            what = "character '" + (char) c + "'";
        }
        return bad(what + " in " + where);
    }
}
