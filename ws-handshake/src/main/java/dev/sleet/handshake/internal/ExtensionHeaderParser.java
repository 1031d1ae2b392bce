package dev.sleet.handshake.internal;

import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a {@code Sec-WebSocket-Extensions} field value (RFC 6455 §9.1) with optional whitespace around
 * {@code ,}, {@code ;} and {@code =}, quoted-string values (RFC 9110 §5.6.4) that must be tokens once unquoted,
 * and empty list elements, which are skipped (RFC 9110 §5.6.1.2).
 */
public final class ExtensionHeaderParser {

    private final String s;
    private final int n;
    private int i;

    private ExtensionHeaderParser(String s) {
        this.s = s;
        this.n = s.length();
    }

    /**
     * Appends the elements of {@code value} to {@code out}.
     *
     * @throws HandshakeException (400) when the value breaks the grammar
     */
    public static void parse(String value, List<ExtensionOffer> out) {
        new ExtensionHeaderParser(value).list(out);
    }

    private void list(List<ExtensionOffer> out) {
        while (true) {
            skipOws();
            if (i == n) {
                return;
            }
            if (s.charAt(i) == ',') {
                i++;
                continue;
            }
            out.add(extension());
            skipOws();
            if (i == n) {
                return;
            }
            if (s.charAt(i) != ',') {
                throw bad("unexpected " + describe(s.charAt(i)) + " after an extension");
            }
            i++;
        }
    }

    private ExtensionOffer extension() {
        String name = token("an extension name");
        List<ExtensionParameter> params = new ArrayList<>(2);
        while (true) {
            skipOws();
            if (i == n || s.charAt(i) != ';') {
                break;
            }
            i++;
            skipOws();
            String pname = token("a parameter name");
            skipOws();
            String pvalue = null;
            if (i < n && s.charAt(i) == '=') {
                i++;
                skipOws();
                pvalue = i < n && s.charAt(i) == '"' ? quoted() : token("a parameter value");
            }
            params.add(new ExtensionParameter(pname, pvalue));
        }
        return new ExtensionOffer(name, params);
    }

    private String token(String what) {
        int start = i;
        while (i < n && HttpChars.isTchar(s.charAt(i))) {
            i++;
        }
        if (i == start) {
            throw bad(i == n ? "expected " + what + " at the end" : "expected " + what + ", found "
                    + describe(s.charAt(i)));
        }
        return s.substring(start, i);
    }

    private String quoted() {
        i++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i == n) {
                throw bad("unterminated quoted string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (i == n) {
                    throw bad("unterminated quoted string");
                }
                c = s.charAt(i++);
            }
            if (!HttpChars.isTchar(c)) {
                throw bad("a quoted parameter value must be a token once unquoted (RFC 6455 §9.1)");
            }
            sb.append(c);
        }
        if (sb.isEmpty()) {
            throw bad("a quoted parameter value must be a token once unquoted (RFC 6455 §9.1)");
        }
        return sb.toString();
    }

    private void skipOws() {
        while (i < n && HttpChars.isOws(s.charAt(i))) {
            i++;
        }
    }

    private static String describe(char c) {
        return c < 0x21 || c > 0x7E ? String.format("character 0x%02X", (int) c) : "'" + c + "'";
    }

    private static HandshakeException bad(String detail) {
        return new HandshakeException(HandshakeException.BAD_REQUEST, "malformed Sec-WebSocket-Extensions: " + detail);
    }
}
