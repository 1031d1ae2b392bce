package dev.sleet.server.internal;

import dev.sleet.handshake.HandshakeException;
import dev.sleet.server.Route;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routes of a server, compiled at build time and matched on the event loop (pure computation, no user code).
 * Precedence: an exact path first, then templates in registration order. Refused at build: a path that is not
 * {@code /}-rooted, a malformed segment, a parameter named twice in one template, the same exact path twice, and
 * two templates of the same shape (same literals at the same places: the second could never match).
 * Immutable; shared by every loop.
 */
public final class Router {
    private static final Pattern PARAM = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** RFC 3986 pchar without percent-escapes (literal route segments are written unescaped). */
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:@]*");

    /** A route that matched, with its decoded path parameters. */
    public record Match(Route route, Map<String, String> params) {
    }

    private record Template(Route route, String[] segments, String[] params) {
    }

    private final Map<String, Route> exact;
    private final List<Template> templates;

    private Router(Map<String, Route> exact, List<Template> templates) {
        this.exact = exact;
        this.templates = templates;
    }

    /**
     * Compiles {@code routes}, in registration order.
     *
     * @throws IllegalArgumentException for a malformed path, a duplicate or an ambiguous route
     */
    public static Router of(List<Route> routes) {
        Map<String, Route> exact = new HashMap<>();
        List<Template> templates = new ArrayList<>();
        for (Route r : routes) {
            String path = r.path();
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a route's path starts with '/': " + path);
            }
            String[] segments = segments(path);
            String[] params = new String[segments.length];
            boolean template = false;
            for (int i = 0; i < segments.length; i++) {
                String s = segments[i];
                var m = PARAM.matcher(s);
                if (m.matches()) {
                    String name = m.group(1);
                    for (int k = 0; k < i; k++) {
                        if (name.equals(params[k])) {
                            throw new IllegalArgumentException("path parameter {" + name + "} appears twice in "
                                    + path);
                        }
                    }
                    params[i] = name;
                    template = true;
                } else if (!LITERAL.matcher(s).matches()) {
                    throw new IllegalArgumentException("route segment '" + s + "' in " + path + " is neither a literal"
                            + " path segment (RFC 3986 pchar, unescaped) nor one whole {name} parameter");
                }
            }
            if (!template) {
                if (exact.putIfAbsent(path, r) != null) {
                    throw new IllegalArgumentException("duplicate route " + path);
                }
                continue;
            }
            for (Template t : templates) {
                if (sameShape(t, segments, params)) {
                    throw new IllegalArgumentException("route " + path + " is ambiguous with " + t.route().path()
                            + " (same shape; the later one could never match)");
                }
            }
            templates.add(new Template(r, segments, params));
        }
        return new Router(Map.copyOf(exact), List.copyOf(templates));
    }

    /** True when there are no routes: every request goes to the catch-all handlers. */
    public boolean isEmpty() {
        return exact.isEmpty() && templates.isEmpty();
    }

    /**
     * The route serving {@code path} (the request's path, not decoded, without its query), or null.
     *
     * @throws HandshakeException (400) when a matched parameter holds a malformed escape or invalid UTF-8
     */
    public Match match(String path) {
        Route r = exact.get(path);
        if (r != null) {
            return new Match(r, Map.of());
        }
        if (templates.isEmpty() || !path.startsWith("/")) {
            return null;
        }
        String[] segments = segments(path);
        outer:
        for (Template t : templates) {
            if (t.segments().length != segments.length) {
                continue;
            }
            for (int i = 0; i < segments.length; i++) {
                if (t.params()[i] == null ? !t.segments()[i].equals(segments[i]) : segments[i].isEmpty()) {
                    continue outer;
                }
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < segments.length; i++) {
                if (t.params()[i] != null) {
                    params.put(t.params()[i], decode(segments[i]));
                }
            }
            return new Match(t.route(), params);
        }
        return null;
    }

    private static boolean sameShape(Template t, String[] segments, String[] params) {
        if (t.segments().length != segments.length) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            boolean a = t.params()[i] != null;
            boolean b = params[i] != null;
            if (a != b || (!a && !t.segments()[i].equals(segments[i]))) {
                return false;
            }
        }
        return true;
    }

    /** The segments after the leading '/': "/" → [""], "/a/b" → [a, b], "/a/" → [a, ""]. */
    private static String[] segments(String path) {
        return path.substring(1).split("/", -1);
    }

    /** Percent-decodes one path segment as UTF-8 ('+' stays '+': that is a query convention). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.write(c); // the request target is visible ASCII
                continue;
            }
            if (i + 2 >= s.length()) {
                throw bad();
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw bad();
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new HandshakeException(400, "a path parameter is not UTF-8");
        }
    }

    private static HandshakeException bad() {
        return new HandshakeException(400, "malformed percent-escape in the path");
    }
}
