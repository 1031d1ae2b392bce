package dev.sleet.rooms.redis;

import dev.sleet.rooms.redis.internal.Link;
import dev.sleet.rooms.redis.internal.Names;
import dev.sleet.rooms.redis.internal.Settings;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rooms shared by several Sleet nodes through Redis pub/sub.
 *
 * <pre>{@code
 * RedisBackplane redis = RedisBackplane.builder(URI.create("redis://:secret@redis.internal:6379"))
 *         .prefix("chat:")                       // several apps may share one Redis
 *         .build();                              // connects in the background
 * int node = redis.claimNodeNumber(Duration.ofSeconds(5));   // unique in the cluster while this node lives
 * Rooms rooms = Rooms.builder().backplane(redis).build();
 * WebSocketServer server = WebSocketServer.builder().nodeId(node).handler(...).start();
 * }</pre>
 *
 * <h2>What crosses and when</h2>
 * <ul>
 *   <li>A broadcast is served to this node's members by {@code Rooms} itself and published to Redis once, on the
 *       room's channel ({@code {prefix}r:{room}}), whatever the number of members elsewhere.
 *   <li>A node subscribes to a room's channel when the room gets its first local member and unsubscribes after
 *       the last leaves, so a message reaches only nodes with members in the room, once per node. A node that
 *       has just subscribed hears broadcasts published after Redis confirmed the subscription.
 *   <li>{@code broadcastExcept} carries the excluded connection's id; ids are unique across nodes when every
 *       server is built with its own {@code nodeId} ({@link #claimNodeNumber} hands out free numbers).
 *   <li>Presence: each node keeps its members of a room in a hash that expires {@link Builder#presenceTtl} after
 *       the node last refreshed it (every third of that), so a crashed node's members vanish within one TTL.
 *       Reads ({@code Rooms.presence}, {@code Rooms.clusterCount}) take this node's members from memory and the
 *       others' from Redis.
 * </ul>
 *
 * <h2>Delivery guarantee: at most once</h2>
 * Redis pub/sub keeps no messages: a broadcast reaches the nodes subscribed at the moment Redis handles it, in
 * order per publishing node, and no one else. Nothing is retried, so nothing is delivered twice (repeats are also
 * dropped by sequence number). What can be lost is never lost silently:
 * <ul>
 *   <li>while this node has no connection to Redis, its broadcasts still reach its own members, and each one is
 *       counted in {@code lost} (metrics) instead of being sent; a full outbound queue counts the same way;
 *   <li>a publish that fails in flight counts in {@code lost} too;
 *   <li>each broadcast carries a per-room sequence number, so a receiver that was away (resubscribing after a
 *       drop) counts what it missed in {@code missed} as soon as the next message from that node arrives.
 * </ul>
 * Outages are logged (a warning when one starts, a summary when it ends) and counted in {@code outages},
 * {@code reconnects}, {@code outageMillis} and {@code connected}. The backplane reconnects by itself with
 * backoff, resubscribes to every room it has members in, and rewrites its presence.
 *
 * <p>All {@link Backplane} calls only queue work for one backplane thread and return; none waits for Redis
 * except the presence reads, which wait at most {@link Builder#commandTimeout} ({@code Rooms.presenceAsync} does
 * not wait at all). Tested against standalone Redis 7.0 and a Redis 7.0 Cluster.
 *
 * <h2>Redis Cluster</h2>
 * A {@code redis-cluster://} URI ({@code rediss-cluster://} for TLS) names seed nodes separated by commas; the
 * backplane learns the rest of the cluster from them. Every name of a room carries the room as a hash tag
 * ({@code {prefix}r:{room}}, {@code {prefix}p:{room}:{node}}), so a room's channel, its presence keys and the
 * scripts that keep them live on the one shard that owns the room's slot. Broadcasts use {@code SPUBLISH}, which
 * Redis delivers within that shard only (classic {@code PUBLISH} is copied to every shard of a cluster, so its
 * cost does not shrink as shards are added); a node subscribes with {@code SSUBSCRIBE} on the owning primary,
 * per room, while it has members there. Rooms spread over the shards by their slots.
 * <p>When a primary fails and a replica takes over (or slots move), the backplane follows the topology by
 * itself: Lettuce refreshes it periodically ({@link Builder#topologyRefresh}) and on redirects and reconnects,
 * and the backplane moves each subscription whose slot changed owner, then rewrites this node's presence (a
 * promoted replica may have missed the last writes). Broadcasts that failed on the dying primary count in
 * {@code lost}, broadcasts a node could not hear meanwhile in {@code missed}; local delivery never stops.
 */
public final class RedisBackplane implements Backplane {
    private final Link link;

    private RedisBackplane(Settings settings) {
        this.link = new Link(settings);
    }

    /**
     * A builder for {@code redis://[user:password@]host[:port][/database]}, {@code rediss://...} (TLS), or a
     * cluster: {@code redis-cluster://[user:password@]host:port[,host:port...]} ({@code rediss-cluster://} for
     * TLS).
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** {@link #builder(URI)} from a string. */
    public static Builder builder(String uri) {
        return new Builder(URI.create(uri));
    }

    @Override
    public String nodeId() {
        return link.nodeId();
    }

    @Override
    public void start(Receiver receiver) {
        link.start(Objects.requireNonNull(receiver, "receiver"));
    }

    @Override
    public void publish(RemoteBroadcast broadcast) {
        link.publish(broadcast);
    }

    @Override
    public void subscribe(String room) {
        link.subscribe(room);
    }

    @Override
    public void unsubscribe(String room) {
        link.unsubscribe(room);
    }

    @Override
    public void memberJoined(String room, long connectionId, Map<String, String> info) {
        link.memberJoined(room, connectionId, info);
    }

    @Override
    public void memberLeft(String room, long connectionId) {
        link.memberLeft(room, connectionId);
    }

    @Override
    public boolean tracksPresence() {
        return true;
    }

    /** Every node's members of {@code room}; this node's alone while Redis cannot be reached. Waits for Redis. */
    @Override
    public Map<Long, Map<String, String>> clusterPresence(String room) {
        return link.presence(room);
    }

    @Override
    public CompletionStage<Map<Long, Map<String, String>>> clusterPresenceAsync(String room) {
        return link.presenceAsync(room);
    }

    /** Members of {@code room} on every node; empty while Redis cannot be reached. Waits for Redis. */
    @Override
    public OptionalLong clusterCount(String room) {
        return link.count(room);
    }

    @Override
    public CompletionStage<OptionalLong> clusterCountAsync(String room) {
        return link.countAsync(room);
    }

    /**
     * Counters: {@code published} (broadcasts Redis accepted), {@code lost} (broadcasts that did not reach Redis:
     * {@code lostDisconnected}, {@code lostQueueFull}, {@code lostFailed}), {@code received} (broadcasts from
     * other nodes delivered here), {@code missed} (gaps seen in other nodes' numbering), {@code repeats},
     * {@code malformed}, {@code subscribedRooms}, {@code subscribes}, {@code unsubscribes}, {@code connected}
     * (1 or 0), {@code outages}, {@code reconnects}, {@code outageMillis}, {@code presenceWrites},
     * {@code presenceResyncs}, {@code presenceReadFailures}, {@code queued}; on a cluster also
     * {@code shardConnections}, {@code shardDrops}, {@code subscriptionMoves}, {@code topologyChanges},
     * {@code flushErrors}.
     */
    @Override
    public Map<String, Long> metrics() {
        return link.metrics();
    }

    /** True while connected to Redis (and subscribed to every room with local members). */
    public boolean isConnected() {
        return link.isUp();
    }

    /** Waits until {@link #isConnected()}; false if {@code timeout} passes first. */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        return link.awaitUp(timeout);
    }

    /** The last error talking to Redis (connection refused, wrong password...), if any since the last success. */
    public Optional<String> lastError() {
        return Optional.ofNullable(link.lastError());
    }

    /**
     * Claims a node number from 1 to 65535 that no other live node of this prefix holds, for
     * {@code WebSocketServer.builder().nodeId(n)} (it makes connection ids unique across the cluster). The claim
     * is a lease in Redis that this backplane renews with its heartbeat and gives back on {@link #close()}; a
     * crashed node's number becomes free after the presence TTL. Returns the same number when called again.
     *
     * @throws IllegalStateException when Redis cannot be reached within {@code timeout} or every number is taken
     */
    public int claimNodeNumber(Duration timeout) throws InterruptedException {
        return link.claimNodeNumber(timeout);
    }

    /**
     * Stops: leaves this node's presence in Redis, gives back its node number, closes the connections. Local
     * membership in {@code Rooms} is not touched. Idempotent.
     */
    @Override
    public void close() {
        link.close(true);
    }

    /**
     * Stops the way a crashed process does, from Redis' point of view: no more refreshes, no clean-up, so this
     * node's presence expires after the TTL. For tests of failure handling.
     */
    void abandon() {
        link.close(false);
    }

    @Override
    public String toString() {
        return "RedisBackplane[" + link + "]";
    }

    /**
     * Settings for a {@link RedisBackplane}. The URI may also carry {@code prefix} and {@code presenceTtl} (e.g.
     * {@code redis://host:6379?prefix=chat:&presenceTtl=10s}), so that {@code Rooms.builder().backplane(URI, id)}
     * can set them.
     */
    public static final class Builder {
        private final URI uri;
        private String nodeId;
        private String prefix = "sleet:";
        private Duration presenceTtl = Duration.ofSeconds(15);
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration maxReconnectDelay = Duration.ofSeconds(2);
        private int outboxCapacity = 65_536;
        private Path trustedCertificates;
        private String username;
        private String password;
        private Duration topologyRefresh = Duration.ofSeconds(5);
        private final Map<String, Integer> splitRooms = new java.util.HashMap<>();

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme();
            if (!"redis".equals(scheme) && !"rediss".equals(scheme) && !Settings.isCluster(uri)) {
                throw new IllegalArgumentException("a Redis URI starts with redis://, rediss:// (TLS), "
                        + "redis-cluster:// or rediss-cluster:// (TLS), not " + Settings.redacted(uri));
            }
            if (Settings.isCluster(uri)) {
                Settings.parseSeeds(uri);
                String q = uri.getRawQuery();
                if (q != null) {
                    for (String part : q.split("&")) {
                        String k = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
                        if (!part.isEmpty() && !Settings.CLUSTER_PARAMETERS.contains(k)) {
                            throw new IllegalArgumentException("unknown parameter '" + k + "' in a cluster URI (known: "
                                    + Settings.CLUSTER_PARAMETERS + ")");
                        }
                    }
                }
            }
            this.uri = uri;
            Settings.queryParameter(uri, "prefix").ifPresent(this::prefix);
            Settings.queryParameter(uri, "presenceTtl").ifPresent(v -> presenceTtl(Settings.parseDuration(v)));
            Settings.queryParameter(uri, "topologyRefresh")
                    .ifPresent(v -> topologyRefresh(Settings.parseDuration(v)));
        }

        /**
         * Authenticates as {@code username} (Redis 6 ACL; null for the default user) with {@code password},
         * instead of what the URI carries. Keeps a password out of a URI that gets logged or shown.
         */
        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Cluster mode: spreads a hot room's broadcasts over {@code lanes} channels in different slots (so over
         * several shards), instead of one. Each node publishes on one lane (chosen from its node id) and listens
         * on all of them, so per-publisher order holds and every member still gets every broadcast once. Every
         * node of the cluster must split the room the same way: a node that does not publishes and listens on
         * the room's single channel, which splitting nodes do not use, so the two groups would not hear each other.
         * Presence stays on the room's own slot. Ignored on a standalone Redis.
         *
         * @param lanes 2 to 64
         */
        public Builder splitRoom(String room, int lanes) {
            Objects.requireNonNull(room, "room");
            if (lanes < 2 || lanes > 64) {
                throw new IllegalArgumentException("lanes must be 2 to 64: " + lanes);
            }
            splitRooms.put(room, lanes);
            return this;
        }

        /**
         * Cluster mode: how often Lettuce re-reads the cluster topology even when nothing looked wrong (it also
         * re-reads it at once on redirects, reconnect attempts and a lost shard). Default 5 s.
         */
        public Builder topologyRefresh(Duration period) {
            this.topologyRefresh = positive(period, "topologyRefresh");
            return this;
        }

        /**
         * This node's name, unique in the cluster: 1-64 letters, digits, '.', '_' or '-'. Default: host name,
         * process id and a random suffix.
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = Names.checkNodeId(nodeId);
            return this;
        }

        /** Starts every channel and key name, so several applications can share one Redis. Default {@code sleet:}. */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.length() > 200) {
                throw new IllegalArgumentException("prefix longer than 200 characters");
            }
            if (Settings.isCluster(uri) && (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0)) {
                throw new IllegalArgumentException("in cluster mode a prefix may not contain '{' or '}' (Redis would "
                        + "take it for the hash tag): '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * How long a node's presence outlives its last refresh (it refreshes every third of this): the time after
         * which a crashed node's members vanish. Default 15 s; at least 300 ms.
         */
        public Builder presenceTtl(Duration ttl) {
            if (ttl.toMillis() < 300) {
                throw new IllegalArgumentException("presenceTtl must be at least 300 ms: " + ttl);
            }
            this.presenceTtl = ttl;
            return this;
        }

        /** How long a Redis command may take before it counts as failed. Default 2 s. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive(timeout, "commandTimeout");
            return this;
        }

        /** How long a connection attempt may take. Default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Longest wait between reconnection attempts (they start at 50 ms and double). Default 2 s. */
        public Builder maxReconnectDelay(Duration delay) {
            this.maxReconnectDelay = positive(delay, "maxReconnectDelay");
            return this;
        }

        /** Broadcasts waiting for the backplane thread; beyond this they count as lost. Default 65,536. */
        public Builder outboxCapacity(int capacity) {
            if (capacity < 16) {
                throw new IllegalArgumentException("outboxCapacity must be at least 16: " + capacity);
            }
            this.outboxCapacity = capacity;
            return this;
        }

        /**
         * For {@code rediss://}: trust the certificates in this PEM file (a private CA or a self-signed server)
         * instead of the JDK's default trust store.
         */
        public Builder trustedCertificates(Path pem) {
            this.trustedCertificates = Objects.requireNonNull(pem, "pem");
            return this;
        }

        /** Creates the backplane; it connects in the background (see {@link RedisBackplane#awaitConnected}). */
        public RedisBackplane build() {
            String id = nodeId != null ? nodeId : defaultNodeId();
            return new RedisBackplane(new Settings(uri, id, prefix, presenceTtl, commandTimeout, connectTimeout,
                    maxReconnectDelay, outboxCapacity, trustedCertificates, username, password, topologyRefresh,
                    Map.copyOf(splitRooms)));
        }

        private static String defaultNodeId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "node";
            }
            host = host.replaceAll("[^A-Za-z0-9._-]", "-");
            if (host.length() > 40) {
                host = host.substring(0, 40);
            }
            return host + "-" + ProcessHandle.current().pid() + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
