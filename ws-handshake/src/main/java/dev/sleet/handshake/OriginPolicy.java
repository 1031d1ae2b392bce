package dev.sleet.handshake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which {@code Origin} values (RFC 6454 §7) may open a WebSocket (RFC 6455 §4.2.2 item 4 and §10.2: a server
 * that only serves its own pages should refuse other origins with 403). A browser always sends {@code Origin};
 * other clients may omit it.
 *
 * <p>Patterns are serialized origins, {@code scheme://host[:port]}:
 * <ul>
 *   <li>exact: {@code https://chat.example.com}, {@code http://localhost:8080}, or {@code null} for opaque
 *       origins;</li>
 *   <li>wildcard subdomain: {@code https://*.example.com} matches {@code https://a.example.com} and
 *       {@code https://a.b.example.com}, but not {@code https://example.com} itself (list it as well) nor
 *       {@code https://badexample.com}.</li>
 * </ul>
 * Scheme and host compare without case; a missing port means the scheme's default (80 for {@code http}/{@code ws},
 * 443 for {@code https}/{@code wss}), so {@code https://a.com} and {@code https://a.com:443} are the same origin.
 * Immutable.
 */
public final class OriginPolicy {

    private static final OriginPolicy ALLOW_ALL = new OriginPolicy(null, true);

    private final List<Origin> patterns; // null: allow every origin
    private final boolean allowMissing;

    private OriginPolicy(List<Origin> patterns, boolean allowMissing) {
        this.patterns = patterns;
        this.allowMissing = allowMissing;
    }

    /** Every origin, and requests without one (the default). */
    public static OriginPolicy allowAll() {
        return ALLOW_ALL;
    }

    /**
     * Only the given origins (exact or wildcard-subdomain patterns), and requests without {@code Origin}
     * (use {@link #rejectingMissingOrigin()} to refuse those too).
     *
     * @throws IllegalArgumentException for a pattern that is not {@code scheme://host[:port]},
     *                                  {@code scheme://*.domain[:port]} or {@code null}
     */
    public static OriginPolicy allowOnly(String... origins) {
        return allowOnly(List.of(origins));
    }

    /** As {@link #allowOnly(String...)}. */
    public static OriginPolicy allowOnly(Collection<String> origins) {
        List<Origin> list = new ArrayList<>(origins.size());
        for (String o : origins) {
            Origin parsed = Origin.parse(Objects.requireNonNull(o, "origin"), true);
            if (parsed == null) {
                throw new IllegalArgumentException("not an origin pattern (scheme://host[:port] or "
                        + "scheme://*.domain[:port]): \"" + o + "\"");
            }
            list.add(parsed);
        }
        return new OriginPolicy(List.copyOf(list), true);
    }

    /** This policy, also refusing requests that carry no {@code Origin} field. */
    public OriginPolicy rejectingMissingOrigin() {
        return new OriginPolicy(patterns == null ? List.of() : patterns, false);
    }

    /** True when this policy accepts every origin and requests without one. */
    public boolean isAllowAll() {
        return patterns == null && allowMissing;
    }

    /**
     * True when {@code origin} may connect.
     *
     * @param origin the {@code Origin} field value, or {@code null} when the request has none
     */
    public boolean allows(String origin) {
        if (origin == null) {
            return allowMissing;
        }
        if (patterns == null) {
            return true;
        }
        Origin o = Origin.parse(origin, false);
        if (o == null) {
            return false;
        }
        for (Origin p : patterns) {
            if (p.matches(o)) {
                return true;
            }
        }
        return false;
    }

    /** Throws 403 unless the request's {@code Origin} is allowed; more than one {@code Origin} field is refused. */
    void check(HttpHeaders headers) {
        if (isAllowAll()) {
            return;
        }
        List<String> origins = headers.all("Origin");
        if (origins.size() > 1) {
            throw new HandshakeException(HandshakeException.FORBIDDEN, "more than one Origin field");
        }
        String origin = origins.isEmpty() ? null : origins.get(0);
        if (!allows(origin)) {
            throw new HandshakeException(HandshakeException.FORBIDDEN,
                    origin == null ? "missing Origin" : "Origin not allowed");
        }
    }

    @Override
    public String toString() {
        if (patterns == null) {
            return allowMissing ? "OriginPolicy[allow all]" : "OriginPolicy[any origin, Origin required]";
        }
        return "OriginPolicy" + patterns + (allowMissing ? "" : " (Origin required)");
    }

    /** A parsed serialized origin or pattern; {@code host} is lower case, {@code port} explicit or -1. */
    private record Origin(String scheme, String host, int port, boolean wildcard) {

        static Origin parse(String s, boolean pattern) {
            if (s.equals("null")) {
                return new Origin("null", "", -1, false);
            }
            int sep = s.indexOf("://");
            if (sep <= 0) {
                return null;
            }
            String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
            if (!isScheme(scheme)) {
                return null;
            }
            String rest = s.substring(sep + 3);
            boolean wildcard = false;
            if (pattern && rest.startsWith("*.")) {
                wildcard = true;
                rest = rest.substring(2);
            }
            String host;
            String portText = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0 || wildcard) {
                    return null;
                }
                host = rest.substring(0, close + 1);
                if (close + 1 < rest.length()) {
                    if (rest.charAt(close + 1) != ':') {
                        return null;
                    }
                    portText = rest.substring(close + 2);
                }
                for (int i = 1; i < close; i++) {
                    char c = host.charAt(i);
                    if (!(isHex(c) || c == ':' || c == '.')) {
                        return null;
                    }
                }
            } else {
                int colon = rest.indexOf(':');
                host = colon < 0 ? rest : rest.substring(0, colon);
                portText = colon < 0 ? null : rest.substring(colon + 1);
                if (!isHostName(host)) {
                    return null;
                }
            }
            int port = defaultPort(scheme);
            if (portText != null) {
                if (portText.isEmpty() || portText.length() > 5
                        || portText.length() > 1 && portText.charAt(0) == '0') { // serialized ports have no leading 0
                    return null;
                }
                int p = 0;
                for (int i = 0; i < portText.length(); i++) {
                    char c = portText.charAt(i);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    p = p * 10 + (c - '0');
                }
                if (p > 65535) {
                    return null;
                }
                port = p;
            }
            return new Origin(scheme, host.toLowerCase(Locale.ROOT), port, wildcard);
        }

        boolean matches(Origin o) {
            if (!scheme.equals(o.scheme) || port != o.port) {
                return false;
            }
            if (!wildcard) {
                return host.equals(o.host);
            }
            int prefix = o.host.length() - host.length() - 1;
            return prefix > 0 && o.host.endsWith(host) && o.host.charAt(prefix) == '.';
        }

        private static int defaultPort(String scheme) {
            return switch (scheme) {
                case "http", "ws" -> 80;
                case "https", "wss" -> 443;
                default -> -1;
            };
        }

        private static boolean isScheme(String s) {
            if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
                return false;
            }
            for (int i = 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }

        // Dot-separated non-empty labels of letters, digits and '-'.
        private static boolean isHostName(String h) {
            if (h.isEmpty() || h.charAt(0) == '.' || h.charAt(h.length() - 1) == '.' || h.contains("..")) {
                return false;
            }
            for (int i = 0; i < h.length(); i++) {
                char c = h.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isHex(char c) {
            return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
        }

        @Override
        public String toString() {
            if (scheme.equals("null")) {
                return "null";
            }
            return scheme + "://" + (wildcard ? "*." : "") + host + (port < 0 ? "" : ":" + port);
        }
    }
}
