package dev.sleet.handshake;

import dev.sleet.handshake.internal.HttpChars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An immutable, insertion-ordered list of HTTP header fields with case-insensitive names and repeatable fields
 * (RFC 9110 §5). Lookups scan the list: a handshake carries a few dozen fields at most, where a scan beats hashing.
 *
 * <p>Values are kept as received, without their surrounding whitespace. {@link #tokens(String)} splits
 * comma-separated lists (RFC 9110 §5.6.1) such as {@code Connection: keep-alive, Upgrade}.
 */
public final class HttpHeaders {

    private static final HttpHeaders EMPTY = new HttpHeaders(new String[0]);

    /**
     * Names and values interleaved, exact size: field {@code i}'s name at {@code 2i}, its value at {@code 2i + 1}.
     * One array instead of two, and no size field: a request kept for a connection's lifetime holds less.
     */
    private final String[] fields;

    /** Takes ownership of the array; callers have validated every name and value. */
    private HttpHeaders(String[] fields) {
        this.fields = fields;
    }

    /** The first {@code size} fields of {@code names} and {@code values}; callers have validated them. */
    HttpHeaders(String[] names, String[] values, int size) {
        this(interleave(names, values, size));
    }

    private static String[] interleave(String[] names, String[] values, int size) {
        String[] f = new String[2 * size];
        for (int i = 0; i < size; i++) {
            f[2 * i] = names[i];
            f[2 * i + 1] = values[i];
        }
        return f;
    }

    /** No header fields. */
    public static HttpHeaders empty() {
        return EMPTY;
    }

    /**
     * Header fields from alternating names and values: {@code of("Sec-WebSocket-Version", "13")}.
     *
     * @throws IllegalArgumentException for an odd argument count, a name that is not a token or a value that
     *                                  cannot be sent (control characters, CR, LF, characters above U+00FF)
     */
    public static HttpHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** A builder that validates each field as it is added. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of fields, counting each repetition. */
    public int size() {
        return fields.length >> 1;
    }

    /** True when there are no fields. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** The name of field {@code index}, in insertion order. */
    public String name(int index) {
        return fields[2 * Objects.checkIndex(index, size())];
    }

    /** The value of field {@code index}, in insertion order. */
    public String value(int index) {
        return fields[2 * Objects.checkIndex(index, size()) + 1];
    }

    /** The value of the first field named {@code name} (any case), if there is one. */
    public Optional<String> first(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? Optional.empty() : Optional.of(fields[2 * i + 1]);
    }

    /** Every value of the fields named {@code name} (any case), in order; empty when there is none. */
    public List<String> all(String name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return List.of();
        }
        int j = indexOf(name, i + 1);
        if (j < 0) {
            return List.of(fields[2 * i + 1]);
        }
        List<String> out = new ArrayList<>(4);
        out.add(fields[2 * i + 1]);
        for (; j >= 0; j = indexOf(name, j + 1)) {
            out.add(fields[2 * j + 1]);
        }
        return Collections.unmodifiableList(out);
    }

    /** How many fields are named {@code name} (any case). */
    public int count(String name) {
        int n = 0;
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            n++;
        }
        return n;
    }

    /** True when at least one field is named {@code name} (any case). */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /** The distinct field names, each in the case of its first occurrence, in order of first occurrence. */
    public List<String> names() {
        List<String> out = new ArrayList<>(size());
        outer:
        for (int i = 0; i < size(); i++) {
            for (int k = 0; k < i; k++) {
                if (HttpChars.equalsAsciiIgnoreCase(fields[2 * k], fields[2 * i])) {
                    continue outer;
                }
            }
            out.add(fields[2 * i]);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The comma-separated elements of every field named {@code name}, in order, each trimmed of spaces and tabs,
     * case preserved, empty elements dropped (RFC 9110 §5.6.1). Meant for token lists; a quoted string holding a
     * comma is split like any other text.
     */
    public List<String> tokens(String name) {
        List<String> out = new ArrayList<>(4);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            splitList(fields[2 * i + 1], out);
        }
        return Collections.unmodifiableList(out);
    }

    /** True when some element of the token lists named {@code name} equals {@code token}, ignoring ASCII case. */
    public boolean containsToken(String name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            if (listContains(fields[2 * i + 1], token)) {
                return true;
            }
        }
        return false;
    }

    /** Calls {@code action} with each name and value, in order. */
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < size(); i++) {
            action.accept(fields[2 * i], fields[2 * i + 1]);
        }
    }

    /** These fields followed by {@code other}'s. */
    public HttpHeaders with(HttpHeaders other) {
        if (other.fields.length == 0) {
            return this;
        }
        if (fields.length == 0) {
            return other;
        }
        String[] f = Arrays.copyOf(fields, fields.length + other.fields.length);
        System.arraycopy(other.fields, 0, f, fields.length, other.fields.length);
        return new HttpHeaders(f);
    }

    private int indexOf(String name, int from) {
        for (int i = from; i < size(); i++) {
            if (HttpChars.equalsAsciiIgnoreCase(fields[2 * i], name)) {
                return i;
            }
        }
        return -1;
    }

    static void splitList(String value, List<String> out) {
        int n = value.length();
        int start = 0;
        while (start <= n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int a = start;
            int b = end;
            while (a < b && HttpChars.isOws(value.charAt(a))) {
                a++;
            }
            while (b > a && HttpChars.isOws(value.charAt(b - 1))) {
                b--;
            }
            if (b > a) {
                out.add(value.substring(a, b));
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
    }

    static boolean listContains(String value, String token) {
        int n = value.length();
        int t = token.length();
        int start = 0;
        while (start <= n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int a = start;
            int b = end;
            while (a < b && HttpChars.isOws(value.charAt(a))) {
                a++;
            }
            while (b > a && HttpChars.isOws(value.charAt(b - 1))) {
                b--;
            }
            if (b - a == t && value.regionMatches(true, a, token, 0, t)) {
                return true;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return false;
    }

    /** Equal when both hold the same fields in the same order; names compare without case, values exactly. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HttpHeaders other) || other.fields.length != fields.length) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (!HttpChars.equalsAsciiIgnoreCase(fields[2 * i], other.fields[2 * i]) || !fields[2 * i + 1].equals(other.fields[2 * i + 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size(); i++) {
            int nh = 0;
            String n = fields[2 * i];
            for (int k = 0; k < n.length(); k++) {
                nh = 31 * nh + HttpChars.toLower(n.charAt(k));
            }
            h = 31 * h + nh;
            h = 31 * h + fields[2 * i + 1].hashCode();
        }
        return h;
    }

    /** The fields as they would be written, one {@code name: value} per line. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            sb.append(fields[2 * i]).append(": ").append(fields[2 * i + 1]).append('\n');
        }
        return sb.toString();
    }

    /** Collects header fields; each {@link #add} checks the name and the value. Not thread-safe. */
    public static final class Builder {
        private String[] names = new String[8];
        private String[] values = new String[8];
        private int size;

        private Builder() {
        }

        /**
         * Appends one field.
         *
         * @throws IllegalArgumentException when {@code name} is not a token, or {@code value} holds a control
         *                                  character, CR, LF, a character above U+00FF or surrounding whitespace
         */
        public Builder add(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!HttpChars.isToken(name)) {
                throw new IllegalArgumentException("header name is not a token: \"" + name + "\"");
            }
            if (!HttpChars.isFieldValue(value)) {
                throw new IllegalArgumentException("header value for " + name + " cannot be sent as is");
            }
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size] = value;
            size++;
            return this;
        }

        /** Appends every field of {@code headers}. */
        public Builder addAll(HttpHeaders headers) {
            for (int i = 0; i < headers.size(); i++) {
                add(headers.name(i), headers.value(i));
            }
            return this;
        }

        /** Removes every field named {@code name} (any case). */
        public Builder remove(String name) {
            int w = 0;
            for (int r = 0; r < size; r++) {
                if (!HttpChars.equalsAsciiIgnoreCase(names[r], name)) {
                    names[w] = names[r];
                    values[w] = values[r];
                    w++;
                }
            }
            Arrays.fill(names, w, size, null);
            Arrays.fill(values, w, size, null);
            size = w;
            return this;
        }

        /** Replaces every field named {@code name} with one field holding {@code value}. */
        public Builder set(String name, String value) {
            return remove(name).add(name, value);
        }

        /** The fields added so far. */
        public HttpHeaders build() {
            return size == 0 ? EMPTY : new HttpHeaders(names, values, size); // copies: the builder stays usable
        }
    }
}
