package dev.sleet.rooms.redis.internal;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backplane's settings, checked by the public builder. {@code username}/{@code password} (null: none) override
 * what the URI carries; {@code splitRooms} maps a hot room to its number of lanes (cluster mode).
 */
public record Settings(URI uri, String nodeId, String prefix, Duration presenceTtl, Duration commandTimeout,
        Duration connectTimeout, Duration maxReconnectDelay, int outboxCapacity, Path trustedCertificates,
        String username, String password, Duration topologyRefresh, Map<String, Integer> splitRooms) {

    /** Schemes of a Redis Cluster: seed nodes separated by commas. */
    public static final String CLUSTER = "redis-cluster";
    public static final String CLUSTER_TLS = "rediss-cluster";

    /** True for {@code redis-cluster://} and {@code rediss-cluster://}. */
    public static boolean isCluster(URI uri) {
        return CLUSTER.equals(uri.getScheme()) || CLUSTER_TLS.equals(uri.getScheme());
    }

    public boolean cluster() {
        return isCluster(uri);
    }

    /** The standalone server's URI for Lettuce, with the builder's credentials applied. */
    RedisURI standaloneUri() {
        RedisURI base = RedisURI.create(clientUri());
        base.setTimeout(commandTimeout);
        return password == null ? base
                : RedisURI.builder(base).withAuthentication(username == null ? "default" : username, password)
                        .build();
    }

    /**
     * The seed nodes of a cluster URI {@code redis-cluster://[user:password@]host[:port][,host[:port]...]}
     * ({@code rediss-cluster} for TLS; IPv6 literals in brackets; port 6379 when left out).
     */
    List<RedisURI> seeds() {
        return parseSeeds(uri).stream().map(hp -> {
            RedisURI.Builder b = RedisURI.builder().withHost(hp[0]).withPort(Integer.parseInt(hp[1]))
                    .withSsl(CLUSTER_TLS.equals(uri.getScheme())).withTimeout(commandTimeout)
                    .withClientName("sleet-" + nodeId + "-cmd");
            String[] auth = userInfo(uri);
            String user = username != null || password != null ? username : auth[0];
            String pass = password != null ? password : auth[1];
            if (pass != null) {
                b.withAuthentication(user == null || user.isEmpty() ? "default" : user, pass);
            }
            return b.build();
        }).toList();
    }

    /** Checks a cluster URI; {@code [host, port]} for each seed. */
    public static List<String[]> parseSeeds(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("a cluster URI names its seed nodes: " + CLUSTER
                    + "://[user:password@]host:port[,host:port...], not " + redacted(uri));
        }
        int at = authority.lastIndexOf('@');
        String hosts = at < 0 ? authority : authority.substring(at + 1);
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("a Redis Cluster has only database 0; drop the path of "
                    + redacted(uri));
        }
        List<String[]> out = new ArrayList<>();
        for (String part : hosts.split(",", -1)) {
            String host;
            String port = "6379";
            if (part.startsWith("[")) {
                int close = part.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed '[' in seed '" + part + "' of " + redacted(uri));
                }
                host = part.substring(1, close);
                String rest = part.substring(close + 1);
                if (rest.startsWith(":")) {
                    port = rest.substring(1);
                } else if (!rest.isEmpty()) {
                    throw new IllegalArgumentException("bad seed '" + part + "' in " + redacted(uri));
                }
            } else {
                int colon = part.lastIndexOf(':');
                host = colon < 0 ? part : part.substring(0, colon);
                if (colon >= 0) {
                    port = part.substring(colon + 1);
                }
            }
            if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("bad seed '" + part + "' in " + redacted(uri)
                        + " (host:port, port 1-65535)");
            }
            out.add(new String[] {host, port});
        }
        return out;
    }

    /** {@code [user or null, password or null]} from a URI's user info ({@code user:password} or {@code :password}). */
    static String[] userInfo(URI uri) {
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        if (at < 0) {
            return new String[2];
        }
        String info = authority.substring(0, at);
        int colon = info.indexOf(':');
        String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
        String pass = colon < 0 ? null : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
        if (colon < 0) { // a single word is the password, as redis://secret@host means to Lettuce
            return new String[] {null, user};
        }
        return new String[] {user.isEmpty() ? null : user, pass};
    }

    /** The URI without its user info, for messages. */
    public static String redacted(URI uri) {
        String authority = uri.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        return uri.getScheme() + "://" + (at < 0 ? authority : "***@" + authority.substring(at + 1));
    }

    /** Query parameters that belong to the backplane, not to the Redis client. */
    static final Set<String> OWN_PARAMETERS = Set.of("prefix", "presenceTtl");
    /** Query parameters a cluster URI may carry (it has no Lettuce parameters). */
    public static final Set<String> CLUSTER_PARAMETERS = Set.of("prefix", "presenceTtl", "topologyRefresh");
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
        if (cluster()) {
            String authority = uri.getRawAuthority();
            return uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1);
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
