package dev.sleet.examples;

import java.util.Collection;
import java.util.Iterator;

/** Just enough JSON writing for the chat example's events (no library needed for strings and lists). */
final class Json {
    private Json() {
    }

    /** A JSON string literal for {@code s} (RFC 8259 §7). */
    static String str(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A JSON array of strings. */
    static String strings(Collection<String> values) {
        StringBuilder sb = new StringBuilder("[");
        Iterator<String> it = values.iterator();
        while (it.hasNext()) {
            sb.append(str(it.next()));
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.append(']').toString();
    }
}
