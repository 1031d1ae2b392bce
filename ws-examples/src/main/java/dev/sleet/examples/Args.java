package dev.sleet.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The examples' command line: {@code --port N --host H --tls-cert FILE --tls-key FILE}, flags, and options that may
 * be repeated ({@code --allow-origin A --allow-origin B}); a single-valued option given twice keeps the last value.
 */
record Args(Map<String, List<String>> values) {

    static Args parse(String[] args, String usage, String... flags) {
        Map<String, List<String>> values = new HashMap<>();
        java.util.Set<String> flagSet = java.util.Set.of(flags);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + usage);
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            String value;
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flagSet.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value\n" + usage);
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new Args(values);
    }

    int port(int fallback) {
        String p = get("port", null);
        if (p == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(p);
            if (n < 0 || n > 65535) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, not '" + p + "'");
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** A whole number option within [min, max]. */
    int number(String name, int min, int max) {
        String v = get(name, null);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number from " + min + " to " + max
                    + ", not '" + v + "'");
        }
    }

    /** A whole number option within [min, max], or {@code fallback} when absent. */
    int number(String name, int min, int max, int fallback) {
        return has(name) ? number(name, min, max) : fallback;
    }

    /** The option's last value, or {@code fallback}. */
    String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** Every value of a repeatable option, in order (empty when absent). */
    List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    Path path(String name) {
        String v = get(name, null);
        return v == null ? null : Path.of(v);
    }
}
