package dev.sleet.handshake.internal;

import dev.sleet.handshake.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code Cookie} request header (RFC 6265 §4.2.1, §5.4): {@code name=value} pairs separated by
 * {@code ;}. Strict where it matters and lenient where browsers are:
 *
 * <ul>
 *   <li>names are RFC 9110 tokens, compared case-sensitively; a pair whose name is not a token or is empty, or that
 *       has no {@code =}, is skipped (browsers send a nameless cookie as its bare value), never the whole header;</li>
 *   <li>spaces and tabs around names, values and separators are dropped (browsers send {@code "; "}, some clients
 *       {@code ";"} or {@code " ; "}); a value in double quotes loses them (§4.1.1 {@code DQUOTE *cookie-octet
 *       DQUOTE});</li>
 *   <li>values keep what browsers put in them (spaces, commas, {@code =}) except control characters: a pair holding
 *       one is skipped; bytes above 0x7F that form UTF-8 are decoded as UTF-8 (browsers send them raw);</li>
 *   <li>several {@code Cookie} fields (HTTP/2 proxies split them) are read in order as one list; for a name sent
 *       twice the first value wins (§5.4: the cookie with the longest path comes first).</li>
 * </ul>
 */
public final class CookieParser {
    private CookieParser() {
    }

    /** The cookies of {@code headers}, first value per name, in the order sent; unmodifiable. */
    public static Map<String, String> parse(HttpHeaders headers) {
        List<String> fields = headers.all("Cookie");
        if (fields.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String field : fields) {
            parseField(field, out);
        }
        return Collections.unmodifiableMap(out);
    }

    static void parseField(String field, Map<String, String> out) {
        int n = field.length();
        int start = 0;
        while (start < n) {
            int semi = field.indexOf(';', start);
            int end = semi < 0 ? n : semi;
            pair(field, start, end, out);
            start = end + 1;
        }
    }

    private static void pair(String s, int from, int to, Map<String, String> out) {
        int eq = s.indexOf('=', from);
        if (eq < 0 || eq >= to) {
            return; // no '=': not a name=value pair
        }
        int a = skipOws(s, from, eq);
        int b = trimOws(s, a, eq);
        if (a == b) {
            return; // empty name
        }
        for (int i = a; i < b; i++) {
            if (!HttpChars.isTchar(s.charAt(i))) {
                return;
            }
        }
        int va = skipOws(s, eq + 1, to);
        int vb = trimOws(s, va, to);
        if (vb - va >= 2 && s.charAt(va) == '"' && s.charAt(vb - 1) == '"') {
            va++;
            vb--;
        }
        boolean high = false;
        for (int i = va; i < vb; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return; // control characters never belong in a cookie (HTAB included)
            }
            high |= c > 0x7F;
        }
        String name = s.substring(a, b);
        String value = s.substring(va, vb);
        out.putIfAbsent(name, high ? utf8(value) : value);
    }

    private static int skipOws(String s, int i, int end) {
        while (i < end && HttpChars.isOws(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimOws(String s, int start, int end) {
        while (end > start && HttpChars.isOws(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** The field's chars are bytes (ISO-8859-1); when they form UTF-8, the text they encode, else as they are. */
    private static String utf8(String latin1) {
        byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }
}
