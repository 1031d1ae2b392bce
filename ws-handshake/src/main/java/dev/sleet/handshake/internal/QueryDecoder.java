package dev.sleet.handshake.internal;

import dev.sleet.handshake.HandshakeException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a query string the way browsers encode forms and URLs (WHATWG URL, application/x-www-form-urlencoded):
 * {@code &}-separated {@code name=value} pairs, {@code +} for space, {@code %XX} escapes of UTF-8 bytes. A broken
 * escape or invalid UTF-8 is refused rather than replaced.
 */
public final class QueryDecoder {

    private QueryDecoder() {
    }

    /**
     * The decoded parameters of {@code rawQuery}, in order of first appearance, each with its values in order.
     * A pair without {@code =} has the value {@code ""}; empty pairs are skipped.
     *
     * @throws HandshakeException (400) for a malformed escape or invalid UTF-8
     */
    public static Map<String, List<String>> decode(String rawQuery) {
        if (rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        int start = 0;
        int n = rawQuery.length();
        while (start <= n) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq >= end) {
                    name = component(rawQuery, start, end);
                    value = "";
                } else {
                    name = component(rawQuery, start, eq);
                    value = component(rawQuery, eq + 1, end);
                }
                out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        for (Map.Entry<String, List<String>> e : out.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Decodes {@code s[from, to)}: {@code +} to space, {@code %XX} escapes as UTF-8. */
    public static String component(String s, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+' || c > 0x7F) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return s.substring(from, to);
        }
        byte[] bytes = new byte[to - from];
        int len = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes[len++] = ' ';
            } else if (c == '%') {
                int hi = i + 1 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < to ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0 || s.charAt(i + 1) > 0x7F || s.charAt(i + 2) > 0x7F) {
                    throw bad("malformed percent-escape in the query");
                }
                bytes[len++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c > 0x7F) {
                throw bad("non-ASCII character in the query");
            } else {
                bytes[len++] = (byte) c;
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes, 0, len));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw bad("query escapes are not valid UTF-8");
        }
    }

    private static HandshakeException bad(String reason) {
        return new HandshakeException(HandshakeException.BAD_REQUEST, reason);
    }
}
