package dev.sleet.rooms.redis.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A backplane's settings, checked by the public builder. */
public record Settings(URI uri, String nodeId, String prefix, Duration presenceTtl, Duration commandTimeout,
        Duration connectTimeout, Duration maxReconnectDelay, int outboxCapacity, Path trustedCertificates) {

    /** Query parameters that belong to the backplane, not to the Redis client. */
    static final Set<String> OWN_PARAMETERS = Set.of("prefix", "presenceTtl");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    /** The value of query parameter {@code name}, decoded. */
    public static Optional<String> queryParameter(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) {
            return Optional.empty();
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, or a bare number of seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a duration looks like 500ms, 10s or 2m, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** The URI for the Redis client: the same, without the backplane's own query parameters. */
    String clientUri() {
        String q = uri.getRawQuery();
        if (q == null) {
            return uri.toString();
        }
        StringBuilder kept = new StringBuilder();
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            if (!OWN_PARAMETERS.contains(k) && !part.isEmpty()) {
                kept.append(kept.isEmpty() ? "" : "&").append(part);
            }
        }
        String s = uri.toString();
        String base = s.substring(0, s.indexOf('?'));
        String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
        return kept.isEmpty() ? base + fragment : base + "?" + kept + fragment;
    }

    /** Where the backplane connects, without credentials, for logs. */
    String endpoint() {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
