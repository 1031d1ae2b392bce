package dev.sleet.examples;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.OriginPolicy;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.metrics.micrometer.SleetMetrics;
import dev.sleet.rooms.PresenceListener;
import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.redis.RedisBackplane;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A chat server: its page (plain HTTP on the same port) joins a room over WebSocket, sends messages, and shows
 * the members and everyone's messages. Started by {@code ./sleet chat [--port N]}, default
 * {@code http://localhost:8080/}.
 *
 * <p>Protocol: the page connects to {@code /chat?room=R&name=N}; it sends plain text messages; the server sends
 * JSON events:
 * <ul>
 *   <li>{@code {"type":"welcome","id":..,"name":..,"room":..,"maxBytes":4096}} first;
 *   <li>{@code {"type":"members","room":..,"members":[{"id":..,"name":..},..]}} once, to the newcomer only: the
 *       full member list;
 *   <li>{@code {"type":"join","id":..,"name":..}} and {@code {"type":"leave","id":..,"name":..}} to everyone
 *       else as members come and go (deltas: a churn costs O(members) bytes, not O(members²)); a leave found by
 *       a cluster node's presence re-read carries no name;
 *   <li>{@code {"type":"message","from":..,"text":..}}.
 * </ul>
 * Ids are connection ids as JSON strings (they exceed 2^53); they are unique across a cluster and never reused,
 * so the page keeps the list as (snapshot ∪ joins) − leaves keyed by id, whatever order the events arrive in,
 * and an event it already applied (a repeat) changes nothing.
 *
 * <p>On a public port: only pages from the server's own origin may open a WebSocket (see {@link Settings}); a
 * message may be at most {@value #MAX_MESSAGE} bytes (larger: close 1009 from the server); each connection may
 * send a burst of {@code burst} messages, then {@code rate} per second (more: close 1008 with the reason
 * {@code rate limit: ...}, which the page shows); the page is served with a {@code Content-Security-Policy} that
 * allows only its own script, style and WebSocket.
 *
 * <p>Why close rather than drop a flood with a notice: a person typing never reaches 20 messages at once or 10 a
 * second, so whatever does is a script; dropping would keep it connected, its every message still read, parsed
 * and answered with a notice, while closing ends the cost at once and says why. The limiter is a GCRA (a token
 * bucket kept as one timestamp per connection), moved forward only when a message arrives: no timer per
 * connection, no thread, no refill task.
 *
 * <p>With {@code --redis URI} the server is one node of a cluster: rooms, messages and member events span every
 * node on the same Redis (and prefix). Each node needs its own connection-id prefix for the server
 * ({@code WebSocketServer.Builder.nodeId}); {@code --node N} gives it, otherwise the node claims a free one from
 * Redis. The backplane's node id is generated, and both are printed at start. A node that crashes sends no
 * {@code leave} events and Redis pub/sub may drop some, so every node re-reads the presence of its rooms every
 * {@code --presence-sync} seconds and tells its own members what changed that no live event told them
 * ({@code ClusterPresence}).
 *
 * <p>With {@code --metrics}, {@code GET /metrics} answers with the server's, the rooms' (and the backplane's and
 * permessage-deflate's, when on) meters in Prometheus text format ({@link Metrics}), to clients on a loopback
 * address only; without the flag {@code /metrics} is a 404 like any unknown path.
 */
public final class ChatServer {
    static final String USAGE = "usage: ./sleet chat [--port N] [--host H] [--tls-cert FILE --tls-key FILE]"
            + " [--allow-origin ORIGIN]... [--rate N] [--burst N] [--deflate]"
            + " [--redis redis://[:password@]host:port[?prefix=P&presenceTtl=10s]"
            + " | redis-cluster://[:password@]host:port,host:port...[?prefix=P]] [--node N] [--presence-sync S]"
            + " [--metrics] [--verbose]";
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    /** Largest message, in bytes, the chat takes; the server closes with 1009 beyond it. */
    static final int MAX_MESSAGE = 4096;

    private ChatServer() {
    }

    /**
     * The chat's protections on a public port.
     *
     * @param allowOrigins origins allowed besides the server's own ({@code --allow-origin}, repeatable), as
     *                     {@code scheme://host[:port]} or {@code scheme://*.domain[:port]}
     * @param rate         messages per second a connection may keep sending ({@code --rate}, default 10)
     * @param burst        messages a connection may send at once before the rate applies ({@code --burst},
     *                     default 20)
     * @param presenceSync how often a cluster node re-reads the presence of its rooms ({@code --presence-sync})
     */
    public record Settings(List<String> allowOrigins, int rate, int burst, Duration presenceSync) {
        public Settings {
            allowOrigins = List.copyOf(allowOrigins);
            try {
                OriginPolicy.allowOnly(allowOrigins); // validates each pattern
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--allow-origin: " + e.getMessage(), e);
            }
            if (rate < 1 || rate > 1_000_000) {
                throw new IllegalArgumentException("--rate must be 1 to 1000000 messages per second: " + rate);
            }
            if (burst < 1 || burst > 1_000_000) {
                throw new IllegalArgumentException("--burst must be 1 to 1000000 messages: " + burst);
            }
            Objects.requireNonNull(presenceSync, "presenceSync");
            if (presenceSync.isNegative() || presenceSync.isZero()) {
                throw new IllegalArgumentException("--presence-sync must be positive: " + presenceSync);
            }
        }

        /** Own origin only, 20 messages at once then 10/s, presence re-read every 5 s in a cluster. */
        public static Settings defaults() {
            return new Settings(List.of(), 10, 20, Duration.ofSeconds(5));
        }

        public Settings withAllowOrigins(List<String> origins) {
            return new Settings(origins, rate, burst, presenceSync);
        }

        public Settings withRate(int rate, int burst) {
            return new Settings(allowOrigins, rate, burst, presenceSync);
        }

        public Settings withPresenceSync(Duration every) {
            return new Settings(allowOrigins, rate, burst, every);
        }
    }

    /** The chat handler; one per server, sharing one {@link Rooms}. */
    public static final class Chat implements WebSocketHandler, PresenceListener {
        private final Rooms rooms;
        private final OwnOrigins ownOrigins;
        private final AtomicInteger guests = new AtomicInteger();
        private final String closeReason;
        private final long intervalNanos;
        private final long toleranceNanos;
        private final ClusterPresence cluster; // null on a single node

        /** A chat with the default settings, for a plain (not TLS) server on {@code host}. */
        public Chat(Rooms rooms) {
            this(rooms, Settings.defaults(), "0.0.0.0", false);
        }

        /**
         * A chat for a server bound to {@code host} ({@code 0.0.0.0} for all interfaces), serving its page over
         * https when {@code tls}.
         */
        public Chat(Rooms rooms, Settings settings, String host, boolean tls) {
            this(rooms, settings, host, tls, null);
        }

        /** With {@code cluster}: a node of a cluster, whose member events {@code cluster} completes. */
        Chat(Rooms rooms, Settings settings, String host, boolean tls, ClusterPresence cluster) {
            this.rooms = rooms;
            this.cluster = cluster;
            this.ownOrigins = new OwnOrigins(host, tls, settings.allowOrigins());
            this.closeReason = "rate limit: more than " + settings.rate() + " messages/s (burst "
                    + settings.burst() + ")";
            this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / settings.rate();
            this.toleranceNanos = intervalNanos * (settings.burst() - 1);
            rooms.onPresence(this);
        }

        /**
         * Who a connection is: its display name and room, fixed at connect time; and its rate limiter, touched
         * only by the connection's own actor.
         */
        static final class Member {
            final String name;
            final String room;
            /**
             * GCRA (a token bucket as one number): the time at which the bucket would be full again. No timer:
             * it is only read and moved forward when a message arrives.
             */
            long theoreticalArrival = Long.MIN_VALUE;

            Member(String name, String room) {
                this.name = name;
                this.room = room;
            }
        }

        @Override
        public ConnectDecision onConnect(UpgradeRequest request) {
            List<String> origins = request.headers().all("Origin");
            if (origins.size() > 1 || origins.size() == 1 && !ownOrigins.allows(origins.get(0),
                    request.localAddress())) {
                // A browser page from elsewhere (cross-site WebSocket hijacking). Requests without Origin are
                // not from a browser page (browsers always send it) and are let through.
                return ConnectDecision.reject(403, "this chat accepts pages from its own origin only");
            }
            String room = request.queryParam("room").orElse("lobby");
            if (!ROOM.matcher(room).matches()) {
                return ConnectDecision.reject(400, "room names are 1-32 letters, digits, '-' or '_'");
            }
            String name = request.queryParam("name").map(ChatServer::cleanName).filter(n -> !n.isEmpty())
                    .orElseGet(() -> "guest-" + guests.incrementAndGet());
            return ConnectDecision.accept(new Member(name, room));
        }

        @Override
        public void onOpen(Connection c) {
            Member m = c.state(Member.class);
            c.send("{\"type\":\"welcome\",\"id\":\"" + c.id() + "\",\"name\":" + Json.str(m.name) + ",\"room\":"
                    + Json.str(m.room) + ",\"maxBytes\":" + MAX_MESSAGE + "}");
            rooms.join(c, m.room, Map.of("name", m.name));
        }

        @Override
        public void onMessage(Connection c, Message message) {
            Member m = c.state(Member.class);
            if (!c.isOpen()) {
                return; // already closed (e.g. for flooding): what was still in the mailbox is dropped
            }
            if (!(message instanceof Message.Text t)) {
                c.close(1003, "the chat takes text only");
                return;
            }
            if (!allow(m, System.nanoTime())) {
                c.close(1008, closeReason);
                return;
            }
            // The server already closed with 1009 anything over MAX_MESSAGE bytes (maxMessageSize).
            rooms.broadcast(m.room, "{\"type\":\"message\",\"from\":" + Json.str(m.name) + ",\"text\":"
                    + Json.str(t.text()) + "}");
        }

        /** GCRA: allowed when the bucket is not over {@code burst}; each message fills it by one interval. */
        boolean allow(Member m, long now) {
            long tat = m.theoreticalArrival == Long.MIN_VALUE ? now : Math.max(m.theoreticalArrival, now);
            if (tat - now > toleranceNanos) {
                return false;
            }
            m.theoreticalArrival = tat + intervalNanos;
            return true;
        }

        /**
         * A member joined on this node: the others (on every node) get a {@code join}, the newcomer the full list,
         * read without waiting (from Redis in a cluster).
         */
        @Override
        public void joined(String room, Connection connection, int members) {
            Member m = connection.state(Member.class);
            if (m == null) {
                return;
            }
            rooms.broadcastExcept(room, memberEvent("join", connection.id(), m.name), connection);
            rooms.presenceAsync(room).thenAccept(presence -> {
                if (cluster != null) {
                    cluster.firstRead(room, presence.keySet()); // counts only for the room's first member here
                }
                connection.send(membersEvent(room, presence));
            });
        }

        /** A member of this node left (or ended): everyone left in the room, on every node, gets a {@code leave}. */
        @Override
        public void left(String room, Connection connection, int members) {
            Member m = connection.state(Member.class);
            if (m == null) {
                return;
            }
            if (members == 0 && cluster != null) {
                cluster.roomEmpty(room);
            }
            rooms.broadcast(room, memberEvent("leave", connection.id(), m.name));
        }
    }

    /** A {@code join} or {@code leave} event; {@code name} may be null for a leave. */
    static String memberEvent(String type, long id, String name) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"" + (name == null ? "" : ",\"name\":" + Json.str(name))
                + "}";
    }

    /** The full member list, by name then id. */
    static String membersEvent(String room, Map<Long, Map<String, String>> presence) {
        List<Map.Entry<Long, String>> list = new ArrayList<>();
        presence.forEach((id, info) -> list.add(Map.entry(id, info.getOrDefault("name", "?"))));
        list.sort(Map.Entry.<Long, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        StringBuilder sb = new StringBuilder(32 + 48 * list.size()).append("{\"type\":\"members\",\"room\":")
                .append(Json.str(room)).append(",\"members\":[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":\"").append(list.get(i).getKey()).append("\",\"name\":")
                    .append(Json.str(list.get(i).getValue())).append('}');
        }
        return sb.append("]}").toString();
    }

    /**
     * The origins a page of this server has: {@code http(s)://localhost:PORT}, {@code 127.0.0.1}, {@code [::1]},
     * the configured host (unless it is a wildcard address) and the IPv4 address the request arrived on, each
     * with the port it arrived on (the real one, also when the server was started on port 0); plus the
     * {@code --allow-origin} patterns. Matching is {@link OriginPolicy}'s: scheme, host and port exactly.
     */
    static final class OwnOrigins {
        private final String scheme;
        private final String host;
        private final List<String> extra;
        private final Map<InetSocketAddress, OriginPolicy> byLocalAddress = new ConcurrentHashMap<>();

        OwnOrigins(String host, boolean tls, List<String> extra) {
            this.scheme = tls ? "https" : "http";
            this.host = isWildcard(host) ? null : host.contains(":") && !host.startsWith("[") ? "[" + host + "]"
                    : host;
            this.extra = List.copyOf(extra);
        }

        boolean allows(String origin, InetSocketAddress local) {
            return byLocalAddress.computeIfAbsent(local, this::policy).allows(origin);
        }

        private OriginPolicy policy(InetSocketAddress local) {
            int port = local.getPort();
            Set<String> hosts = new HashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
            if (host != null) {
                hosts.add(host);
            }
            if (local.getAddress() instanceof Inet4Address a && !a.isAnyLocalAddress()) {
                hosts.add(a.getHostAddress());
            }
            List<String> origins = new ArrayList<>(extra);
            for (String h : hosts) {
                try {
                    OriginPolicy.allowOnly(scheme + "://" + h + ":" + port);
                    origins.add(scheme + "://" + h + ":" + port);
                } catch (IllegalArgumentException e) {
                    // a --host that is no origin host (not a name or address literal): nothing to add
                }
            }
            return OriginPolicy.allowOnly(origins);
        }

        private static boolean isWildcard(String host) {
            return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
                    || host.equals("*");
        }
    }

    static String cleanName(String raw) {
        String n = raw.strip().replaceAll("\\p{Cntrl}", "");
        return n.length() > 24 ? n.substring(0, 24) : n;
    }

    /**
     * The policy of the page, its script and style: they come from this server alone, connect only to it (CSP 3:
     * {@code 'self'} also matches ws:// and wss:// to the same host and port), and may not be framed.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * {@code GET /metrics} in Prometheus text format, for a Prometheus agent on the same host. Who may read it: a
     * client whose address is a loopback one, both the socket's peer and the client address the server was told
     * (PROXY protocol or a trusted {@code Forwarded}), so a request relayed from outside by a proxy configured to
     * name its client is refused with 403. A proxy on the same host that does not name its client makes every
     * request look local: do not route {@code /metrics} through one, or leave {@code --metrics} off.
     */
    static final class Metrics {
        /** The Prometheus text exposition format 0.0.4, what {@link PrometheusMeterRegistry#scrape()} writes. */
        static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        /** Binds {@code server}'s and {@code rooms}' meters (and deflate's when {@code deflate}), tag server=chat. */
        Metrics bind(WebSocketServer server, Rooms rooms, boolean deflate) {
            Tags tags = Tags.of("server", "chat");
            SleetMetrics.bind(registry, server, tags);
            SleetMetrics.bind(registry, rooms, tags);
            if (deflate) {
                SleetMetrics.bindDeflate(registry, tags);
            }
            return this;
        }

        HttpResponse serve(HttpServerRequest request) {
            if (!request.method().equals("GET")) {
                return secured(HttpResponse.builder(405).header("Allow", "GET"))
                        .body("only GET here", "text/plain; charset=utf-8").build();
            }
            if (!isLoopback(request.peerAddress()) || !isLoopback(request.remoteAddress())) {
                return secured(HttpResponse.builder(403))
                        .body("/metrics is served to loopback clients only", "text/plain; charset=utf-8").build();
            }
            return secured(HttpResponse.builder(200)).header("Cache-Control", "no-store")
                    .header("Content-Type", CONTENT_TYPE).body(registry.scrape().getBytes(StandardCharsets.UTF_8))
                    .build();
        }

        private static boolean isLoopback(InetSocketAddress a) {
            InetAddress ip = a == null ? null : a.getAddress();
            return ip != null && ip.isLoopbackAddress();
        }
    }


    /** The page, served at {@code /} and {@code /index.html} (a route each). */
    static HttpResponse index(HttpServerRequest request) {
        return get(request, INDEX, "text/html; charset=utf-8");
    }

    /** The page's script ({@code /chat.js}). */
    static HttpResponse script(HttpServerRequest request) {
        return get(request, SCRIPT, "text/javascript; charset=utf-8");
    }

    /** The page's style ({@code /chat.css}). */
    static HttpResponse style(HttpServerRequest request) {
        return get(request, STYLE, "text/css; charset=utf-8");
    }

    /** Every other plain request: 404, with the same protective headers as the page. */
    static HttpResponse notFound(HttpServerRequest request) {
        return secured(HttpResponse.builder(404)).body("not found", "text/plain; charset=utf-8").build();
    }

    private static HttpResponse get(HttpServerRequest request, byte[] body, String type) {
        if (!request.method().equals("GET")) {
            return secured(HttpResponse.builder(405).header("Allow", "GET"))
                    .body("only GET here", "text/plain; charset=utf-8").build();
        }
        return file(body, type);
    }

    private static HttpResponse file(byte[] body, String type) {
        return secured(HttpResponse.builder(200)).header("Cache-Control", "no-store").header("Content-Type", type)
                .body(body).build();
    }

    /** The headers every response of the chat carries. */
    private static HttpResponse.Builder secured(HttpResponse.Builder b) {
        return b.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("X-Frame-Options", "DENY");
    }

    private static final byte[] INDEX = load("chat/index.html");
    private static final byte[] SCRIPT = load("chat/chat.js");
    private static final byte[] STYLE = load("chat/chat.css");

    private static byte[] load(String name) {
        try (InputStream in = ChatServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A builder for a chat server on {@code rooms} with the default {@link Settings}. */
    public static WebSocketServer.Builder builder(Rooms rooms, String host, int port, Path tlsCert, Path tlsKey) {
        return builder(rooms, host, port, tlsCert, tlsKey, Settings.defaults());
    }

    /** A builder for a chat server on {@code rooms}. */
    public static WebSocketServer.Builder builder(Rooms rooms, String host, int port, Path tlsCert, Path tlsKey,
            Settings settings) {
        return builder(new Chat(rooms, settings, host, tlsCert != null), host, port, tlsCert, tlsKey);
    }

    static WebSocketServer.Builder builder(Chat chat, String host, int port, Path tlsCert, Path tlsKey) {
        return builder(chat, host, port, tlsCert, tlsKey, null);
    }

    /** With {@code metrics} not null: {@code /metrics} too (bind it once the server has started). */
    static WebSocketServer.Builder builder(Chat chat, String host, int port, Path tlsCert, Path tlsKey,
            Metrics metrics) {
        // Routes: the WebSocket at /chat, the page and its files each on its path, /metrics with --metrics; an upgrade
        // anywhere else is 404 (no catch-all handler), any other plain request gets notFound (with the page's
        // protective headers).
        WebSocketServer.Builder b = EchoServer.listening(host, port, tlsCert, tlsKey)
                .route("/chat", chat)
                .route("/", ChatServer::index)
                .route("/index.html", ChatServer::index)
                .route("/chat.js", ChatServer::script)
                .route("/chat.css", ChatServer::style)
                .httpHandler(ChatServer::notFound);
        if (metrics != null) {
            b.route("/metrics", metrics::serve);
        }
        return b
                .maxMessageSize(MAX_MESSAGE);
    }

    public static void main(String[] argv) throws IOException, InterruptedException {
        Args args;
        Settings settings;
        String host;
        int port;
        try {
            args = Args.parse(argv, USAGE, "verbose", "deflate", "metrics");
            settings = new Settings(args.all("allow-origin"), args.number("rate", 1, 1_000_000, 10),
                    args.number("burst", 1, 1_000_000, 20),
                    Duration.ofSeconds(args.number("presence-sync", 1, 3600, 5)));
            host = args.get("host", "0.0.0.0");
            port = args.port(8080);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Launch.configureLogging(args.flag("verbose"));
        Rooms rooms;
        ClusterPresence cluster = null;
        int node = 0;
        String redis = args.get("redis", null);
        if (redis == null) {
            rooms = Rooms.create();
        } else {
            RedisBackplane backplane;
            try {
                backplane = RedisBackplane.builder(URI.create(redis)).build();
                node = args.has("node") ? args.number("node", 1, 65535)
                        : backplane.claimNodeNumber(Duration.ofSeconds(10));
            } catch (IllegalArgumentException | IllegalStateException e) {
                System.err.println("sleet chat: " + e.getMessage());
                System.exit(2);
                return;
            }
            cluster = new ClusterPresence(node, backplane::isConnected);
            rooms = Rooms.builder().backplane(cluster.wrap(backplane)).build();
            cluster.attach(rooms);
            System.out.println("sleet chat node " + backplane.nodeId() + " (connection ids prefixed " + node
                    + ") shares its rooms through " + redisEndpoint(URI.create(redis)));
        }
        Path cert = args.path("tls-cert");
        Chat chat = new Chat(rooms, settings, host, cert != null, cluster);
        Metrics metrics = args.flag("metrics") ? new Metrics() : null;
        WebSocketServer.Builder b = builder(chat, host, port, cert, args.path("tls-key"), metrics).nodeId(node);
        if (args.flag("deflate")) {
            b.extension("permessage-deflate");
        }
        WebSocketServer server = b.start();
        if (metrics != null) {
            metrics.bind(server, rooms, args.flag("deflate"));
            System.out.println("sleet chat serves /metrics (Prometheus text) to loopback clients only");
        }
        ScheduledExecutorService timer = null;
        if (cluster != null) { // one timer for the whole node, never one per connection
            ClusterPresence c = cluster;
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chat-presence-sync");
                t.setDaemon(true);
                return t;
            });
            long every = settings.presenceSync().toMillis();
            timer.scheduleWithFixedDelay(() -> {
                try {
                    c.run();
                } catch (RuntimeException e) {
                    System.err.println("sleet chat: presence sync failed: " + e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        ScheduledExecutorService stop = timer;
        AutoCloseable stopSync = () -> {
            if (stop != null) {
                stop.shutdownNow();
            }
        };
        Launch.serve(args.flag("deflate") ? "chat (permessage-deflate on)" : "chat", server, true, stopSync, rooms);
    }

    /** The Redis address without credentials or options, for the start-up line. */
    static String redisEndpoint(URI uri) {
        if (uri.getHost() == null && uri.getRawAuthority() != null) { // redis-cluster://h1:p1,h2:p2 (seed nodes)
            String authority = uri.getRawAuthority();
            return uri.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1);
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    }
}
