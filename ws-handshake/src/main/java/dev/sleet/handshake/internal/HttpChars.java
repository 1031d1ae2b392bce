package dev.sleet.handshake.internal;

/**
 * Character classes of the HTTP grammar (RFC 9110 §5.6, RFC 9112 §2–§5), one table lookup per byte.
 *
 * <pre>
 * tchar          = "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
 *                / DIGIT / ALPHA
 * field-vchar    = VCHAR / obs-text          ; VCHAR = %x21-7E, obs-text = %x80-FF
 * field-content  = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
 * request-target = visible ASCII only (RFC 3986 characters)
 * </pre>
 */
public final class HttpChars {

    /** Byte may appear in a token (header name, method, extension name). */
    public static final int TCHAR = 0b0001;
    /** Byte may appear inside a header field value (VCHAR, obs-text, SP, HTAB). */
    public static final int FIELD = 0b0010;
    /** Byte may appear in a request target (visible ASCII, %x21-7E). */
    public static final int TARGET = 0b0100;
    /** Byte is optional whitespace (SP or HTAB). */
    public static final int OWS = 0b1000;

    private static final byte[] CLASSES = new byte[256];

    static {
        for (int c = 0x21; c <= 0x7E; c++) {
            CLASSES[c] |= (byte) (FIELD | TARGET);
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            CLASSES[c] |= (byte) FIELD;
        }
        CLASSES[' '] |= (byte) (FIELD | OWS);
        CLASSES['\t'] |= (byte) (FIELD | OWS);
        String tcharSymbols = "!#$%&'*+-.^_`|~";
        for (int i = 0; i < tcharSymbols.length(); i++) {
            CLASSES[tcharSymbols.charAt(i)] |= (byte) TCHAR;
        }
        for (int c = '0'; c <= '9'; c++) {
            CLASSES[c] |= (byte) TCHAR;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            CLASSES[c] |= (byte) TCHAR;
            CLASSES[c + ('a' - 'A')] |= (byte) TCHAR;
        }
    }

    private HttpChars() {
    }

    /** The class bits of byte {@code b} (any sign). */
    public static int classOf(byte b) {
        return CLASSES[b & 0xFF];
    }

    /** True when {@code c} is a tchar. Chars above U+00FF are never tchars. */
    public static boolean isTchar(char c) {
        return c < 256 && (CLASSES[c] & TCHAR) != 0;
    }

    /** True when {@code c} is SP or HTAB. */
    public static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** True when {@code s} is a non-empty token (RFC 9110 §5.6.2). */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code s} may be sent as a header field value: ISO-8859-1 characters that are field-vchar, SP or
     * HTAB, with no leading or trailing whitespace (RFC 9110 §5.5). The empty value is allowed.
     */
    public static boolean isFieldValue(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF || (CLASSES[c] & FIELD) == 0) {
                return false;
            }
        }
        return n == 0 || (!isOws(s.charAt(0)) && !isOws(s.charAt(n - 1)));
    }

    /** ASCII case-insensitive equality; cheaper than {@link String#equalsIgnoreCase} for header names. */
    public static boolean equalsAsciiIgnoreCase(String a, String b) {
        if (a == b) {
            return true;
        }
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && toLower(x) != toLower(y)) {
                return false;
            }
        }
        return true;
    }

    /** Lower-cases ASCII letters only. */
    public static char toLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c | 0b0010_0000) : c;
    }
}
