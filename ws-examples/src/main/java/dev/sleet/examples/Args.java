package dev.sleet.examples;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The examples' command line: {@code --port N --host H --tls-cert FILE --tls-key FILE}, and flags. */
record Args(Map<String, String> values) {

    static Args parse(String[] args, String usage, String... flags) {
        Map<String, String> values = new HashMap<>();
        java.util.Set<String> flagSet = java.util.Set.of(flags);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + usage);
            }
            String name = a.substring(2);
            int eq = name.indexOf('=');
            if (eq > 0) {
                values.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (flagSet.contains(name)) {
                values.put(name, "true");
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value\n" + usage);
            }
        }
        return new Args(values);
    }

    int port(int fallback) {
        String p = values.get("port");
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
        String v = values.get(name);
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

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }
}
