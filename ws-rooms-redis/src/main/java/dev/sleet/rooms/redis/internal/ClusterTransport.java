package dev.sleet.rooms.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Redis Cluster with sharded pub/sub. Commands go through one Lettuce cluster connection, which routes each by
 * its first key's slot: {@code SPUBLISH} by channel, the presence scripts by the room's hash-tagged keys. Lettuce
 * keeps its view of the topology fresh (periodic refresh plus adaptive triggers on redirects and reconnects).
 *
 * <p>Subscriptions are placed here rather than left to Lettuce, because a sharded subscription must live on the
 * primary that owns its slot and has to move when that changes: one pub/sub connection per primary that owns a
 * subscribed channel, {@code SSUBSCRIBE} one channel at a time (a call may not span slots). {@link #maintain}
 * moves a channel when Lettuce's topology gives its slot to another primary (failover, resharding), when its
 * shard connection dropped, or when Redis itself unsubscribed it (Redis does that to shard channels whose slot
 * moved away); a dropped shard connection also asks Lettuce to refresh the topology at once.
 *
 * <p>Owners (who writes what): {@code placed}, {@code shards} (the map), {@code lastTopology},
 * {@code nextRetryNanos}, {@code lastRefreshNanos} belong to the link's worker. A {@link Shard}'s {@code dead}
 * flag and {@code leaving} set are also written by Lettuce's I/O threads; {@code displaced} is filled by them and
 * drained by the worker.
 */
final class ClusterTransport implements Transport {
    private static final System.Logger LOG = System.getLogger("dev.sleet.rooms.redis.RedisBackplane");
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final RedisClusterClient client;
    private final RedisClient shardClient;
    private final RedisURI template;
    private final String nodeId;
    private final Events events;
    private volatile StatefulRedisClusterConnection<byte[], byte[]> conn;
    private volatile RedisAdvancedClusterAsyncCommands<byte[], byte[]> async;

    /** Subscribed channels (by {@link Names#key}) and the primary each was placed on (null: not placed now). */
    private final HashMap<String, Placed> placed = new HashMap<>();
    private final ConcurrentHashMap<String, Shard> shards = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String[]> displaced = new ConcurrentLinkedQueue<>();
    private long lastTopology;
    private boolean unplaced; // some subscribed channel waits for a place
    private long nextRetryNanos;
    private long lastRefreshNanos = System.nanoTime() - REFRESH_NANOS;
    private boolean shardLost;

    private final LongAdder moves = new LongAdder();
    private final LongAdder topologyChanges = new LongAdder();
    private final LongAdder shardDrops = new LongAdder();
    private final LongAdder flushErrors = new LongAdder();

    private static final class Placed {
        final byte[] channel;
        String node; // primary's node id, null while waiting for a place

        Placed(byte[] channel) {
            this.channel = channel;
        }
    }

    /** One primary's pub/sub connection and the channels subscribed on it. */
    private final class Shard {
        final String node;
        final String address;
        final CompletableFuture<StatefulRedisPubSubConnection<byte[], byte[]>> connection;
        final Set<String> channels = ConcurrentHashMap.newKeySet();
        final Set<String> leaving = ConcurrentHashMap.newKeySet();
        volatile boolean dead;

        Shard(RedisClusterNode primary) {
            this.node = primary.getNodeId();
            RedisURI at = primary.getUri();
            this.address = at.getHost() + ":" + at.getPort();
            RedisURI uri = RedisURI.builder(RedisURI.create(at.getHost(), at.getPort())).withSsl(template)
                    .withAuthentication(template).withTimeout(template.getTimeout())
                    .withClientName("sleet-" + nodeId + "-ssub").build();
            this.connection = shardClient.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
            connection.whenComplete((c, e) -> {
                if (e != null) {
                    dead = true;
                    events.wake();
                    return;
                }
                c.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void smessage(byte[] channel, byte[] body) {
                        events.message(channel, body);
                    }

                    @Override
                    public void sunsubscribed(byte[] channel, long count) {
                        String key = Names.key(channel);
                        if (!leaving.remove(key)) { // Redis took it away: its slot moved
                            displaced.add(new String[] {node, key});
                            events.wake();
                        }
                    }
                });
                c.addListener(new RedisConnectionStateListener() {
                    @Override
                    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                        dead = true;
                        events.wake();
                    }
                });
                if (!c.isOpen()) {
                    dead = true;
                }
            });
        }

        boolean dead() {
            return dead || connection.isCompletedExceptionally()
                    || connection.isDone() && !connection.getNow(null).isOpen();
        }

        CompletionStage<?> ssubscribe(byte[] channel) {
            return connection.thenCompose(c -> c.async().ssubscribe(channel));
        }

        void sunsubscribe(String key, byte[] channel) {
            if (!connection.isDone() || connection.isCompletedExceptionally()) {
                return; // never connected: nothing to leave (getNow would throw)
            }
            StatefulRedisPubSubConnection<byte[], byte[]> c = connection.getNow(null);
            if (c != null && c.isOpen()) {
                leaving.add(key);
                c.async().sunsubscribe(channel);
            }
        }

        void close() {
            connection.thenAccept(c -> c.closeAsync());
        }
    }

    ClusterTransport(ClientResources resources, ClientOptions shardOptions, Settings settings, List<RedisURI> seeds,
            Events events) {
        this.template = seeds.get(0);
        this.nodeId = settings.nodeId();
        this.events = events;
        this.client = RedisClusterClient.create(resources, seeds);
        ClusterTopologyRefreshOptions refresh = ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(settings.topologyRefresh())
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(Duration.ofMillis(300))
                .refreshTriggersReconnectAttempts(2)
                .closeStaleConnections(true)
                .dynamicRefreshSources(true)
                .build();
        ClusterClientOptions.Builder options = ClusterClientOptions.builder(shardOptions)
                // Lettuce keeps the per-node command connections of the cluster itself (it opens them lazily,
                // on a node's first command): commands wait for a node connection that is (re)connecting, in a
                // bounded queue, and fail (counted) after the command timeout or when the queue is full.
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .requestQueueSize(Math.max(1024, settings.outboxCapacity()))
                .topologyRefreshOptions(refresh)
                .maxRedirects(3);
        client.setOptions(options.build());
        this.shardClient = RedisClient.create(resources);
        shardClient.setOptions(shardOptions);
    }

    @Override
    public void open() {
        StatefulRedisClusterConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        c.setAutoFlushCommands(false);
        conn = c;
        async = c.async();
        lastTopology = topology(c.getPartitions());
        unplaced = false;
    }

    @Override
    public boolean isOpen() {
        StatefulRedisClusterConnection<byte[], byte[]> c = conn;
        return c != null && c.isOpen();
    }

    @Override
    public RedisFuture<Long> publish(byte[] channel, byte[] body) {
        return async.spublish(channel, body);
    }

    @Override
    public RedisFuture<Object> eval(String script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return async.eval(script, type, keys, args);
    }

    @Override
    public RedisFuture<String> ping() {
        return async.ping();
    }

    @Override
    public void flush() {
        try {
            conn.flushCommands();
        } catch (RuntimeException e) {
            // Lettuce 7.7 can throw (a NullPointerException in AsyncConnectionProvider) when it flushes while a node
            // connection is still being opened; what was queued stays queued and the next flush sends it.
            flushErrors.increment();
        }
    }

    @Override
    public List<CompletionStage<?>> subscribe(byte[][] channels) {
        List<CompletionStage<?>> out = new ArrayList<>(channels.length);
        for (byte[] channel : channels) {
            String key = Names.key(channel);
            Placed p = placed.get(key);
            if (p != null && p.node != null) {
                Shard s = shards.get(p.node);
                if (s != null) {
                    s.channels.remove(key);
                    s.sunsubscribe(key, p.channel);
                }
            }
            p = new Placed(channel);
            placed.put(key, p);
            CompletionStage<?> f = place(key, p);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** Subscribes on the primary that owns the channel's slot now; null when no primary owns it. */
    private CompletionStage<?> place(String key, Placed p) {
        RedisClusterNode primary = conn.getPartitions().getMasterBySlot(SlotHash.getSlot(p.channel));
        if (primary == null || primary.getUri() == null) {
            p.node = null;
            unplaced = true;
            return null;
        }
        Shard s = shards.get(primary.getNodeId());
        if (s == null || s.dead()) {
            if (s != null) {
                dropShard(s);
            }
            s = new Shard(primary);
            shards.put(s.node, s);
        }
        p.node = s.node;
        s.channels.add(key);
        Shard shard = s;
        return s.ssubscribe(p.channel).whenComplete((v, e) -> {
            if (e != null) {
                shard.dead = true; // a failed SSUBSCRIBE (MOVED, a closed link): place it again (maintain)
                events.wake();
            }
        });
    }

    @Override
    public void unsubscribe(byte[][] channels) {
        for (byte[] channel : channels) {
            String key = Names.key(channel);
            Placed p = placed.remove(key);
            if (p != null && p.node != null) {
                Shard s = shards.get(p.node);
                if (s != null) {
                    s.channels.remove(key);
                    s.sunsubscribe(key, channel);
                }
            }
        }
    }

    @Override
    public boolean maintain() {
        if (conn == null) {
            return false;
        }
        long now = System.nanoTime();
        boolean topologyChanged = false;
        String[] d;
        while ((d = displaced.poll()) != null) {
            Placed p = placed.get(d[1]);
            if (p != null && d[0].equals(p.node)) {
                Shard s = shards.get(d[0]);
                if (s != null) {
                    s.channels.remove(d[1]);
                }
                p.node = null;
                unplaced = true;
                requestRefresh(now);
            }
        }
        for (Iterator<Shard> it = shards.values().iterator(); it.hasNext(); ) {
            Shard s = it.next();
            if (s.dead()) {
                it.remove();
                if (s.connection.isCompletedExceptionally()) { // never connected: its primary is still away
                    dropShard(s);
                    continue;
                }
                shardDrops.increment();
                shardLost = true;
                LOG.log(Level.WARNING, "Redis backplane {0}: lost the sharded pub/sub connection to {1} ({2} "
                        + "channel(s)); placing them again as the cluster topology says", nodeId, s.address,
                        Integer.toString(s.channels.size()));
                dropShard(s);
                requestRefresh(now);
            } else if (s.channels.isEmpty() && s.leaving.isEmpty()) {
                it.remove();
                s.close();
            }
        }
        long topology = topology(conn.getPartitions());
        if (topology != lastTopology) {
            lastTopology = topology;
            topologyChanged = true;
            topologyChanges.increment();
        }
        // The walk over every subscription runs only when something moved or waits for a place.
        if (topologyChanged || unplaced && now - nextRetryNanos >= 0) {
            nextRetryNanos = now + RETRY_NANOS;
            unplaced = false;
            Partitions partitions = conn.getPartitions();
            for (Map.Entry<String, Placed> e : placed.entrySet()) {
                Placed p = e.getValue();
                RedisClusterNode owner = partitions.getMasterBySlot(SlotHash.getSlot(p.channel));
                String want = owner == null ? null : owner.getNodeId();
                if (p.node != null && p.node.equals(want)) {
                    continue;
                }
                if (p.node != null) {
                    Shard old = shards.get(p.node);
                    if (old != null) {
                        old.channels.remove(e.getKey());
                        old.sunsubscribe(e.getKey(), p.channel);
                    }
                }
                moves.increment();
                place(e.getKey(), p);
            }
        }
        boolean rewritePresence = topologyChanged || shardLost;
        shardLost = false;
        return rewritePresence;
    }

    private void dropShard(Shard s) {
        for (String key : s.channels) {
            Placed p = placed.get(key);
            if (p != null && s.node.equals(p.node)) {
                p.node = null;
                unplaced = true;
            }
        }
        s.channels.clear();
        s.close();
    }

    private void requestRefresh(long now) {
        if (now - lastRefreshNanos >= REFRESH_NANOS) {
            lastRefreshNanos = now;
            client.refreshPartitionsAsync();
        }
    }

    /**
     * A hash of which primary serves each slot (changes when a failover or resharding happened): 16,384 lookups
     * in Lettuce's slot cache, no allocation.
     */
    private static long topology(Partitions partitions) {
        long h = 1;
        for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
            RedisClusterNode n = partitions.getMasterBySlot(slot);
            h = h * 31 + (n == null ? 0 : n.getNodeId().hashCode());
        }
        return h;
    }

    @Override
    public Map<String, Long> metrics() {
        Map<String, Long> m = new TreeMap<>();
        m.put("shardConnections", (long) shards.size());
        m.put("shardDrops", shardDrops.sum());
        m.put("flushErrors", flushErrors.sum());
        m.put("subscriptionMoves", moves.sum());
        m.put("topologyChanges", topologyChanges.sum());
        return m;
    }

    @Override
    public void close() {
        for (Shard s : shards.values()) {
            s.close();
        }
        shards.clear();
        for (Placed p : placed.values()) {
            p.node = null;
        }
        placed.clear();
        displaced.clear();
        Link.closeQuietly(conn);
        conn = null;
        async = null;
    }

    @Override
    public void shutdown() {
        conn = null;
        async = null;
        shards.clear();
        try {
            shardClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
