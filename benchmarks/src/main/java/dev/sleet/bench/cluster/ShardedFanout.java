package dev.sleet.bench.cluster;

import dev.sleet.rooms.redis.RedisBackplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import dev.sleet.testkit.RedisCluster;
import dev.sleet.testkit.RedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Backplane capacity: cross-node broadcasts per second through one standalone Redis against a Redis Cluster of
 * three primaries, with rooms spread over the shards, and classic {@code PUBLISH} on the same cluster as the
 * baseline. Node 1 publishes round-robin over {@code --rooms} rooms; nodes 2 and 3 are subscribed to every room
 * and count what arrives (the backplane's own receive path, without WebSocket clients: the existing
 * {@link ClusterFanout} measures delivery to real clients). Closed loop: at most {@code --window} broadcasts in
 * flight (sent and not yet heard by the slowest subscriber).
 *
 * <p>Per scenario and run: broadcasts/s heard by each subscriber; Redis CPU time per 1,000 broadcasts for each
 * server process ({@code /proc/PID/stat}), and the calls of {@code PUBLISH}/{@code SPUBLISH} each primary handled
 * ({@code INFO commandstats}). Scenarios:
 * <ul>
 *   <li>{@code standalone}: the Sleet backplane on one Redis ({@code PUBLISH}/{@code SUBSCRIBE});
 *   <li>{@code cluster sharded}: the Sleet backplane on the cluster ({@code SPUBLISH}/{@code SSUBSCRIBE} on the
 *       room's shard);
 *   <li>{@code cluster classic}: Lettuce alone on the same cluster, {@code PUBLISH} routed by channel and
 *       {@code SUBSCRIBE} on one cluster pub/sub connection per subscriber, as an application without sharded
 *       pub/sub would do. The cluster bus copies every classic message to every node.
 * </ul>
 *
 * <pre>
 * flock /tmp/sleet-bench.lock java -cp benchmarks/target/benchmarks.jar dev.sleet.bench.cluster.ShardedFanout \
 *     --rooms 48 --payload 64 --seconds 5 --runs 3
 * </pre>
 */
public final class ShardedFanout {
    private ShardedFanout() {
    }

    enum Scenario {
        STANDALONE("standalone (1 Redis)"),
        SHARDED("cluster sharded (3 shards)"),
        CLASSIC("cluster classic PUBLISH");

        final String label;

        Scenario(String label) {
            this.label = label;
        }
    }

    record Result(double perSecond, long sent, Map<Integer, Double> cpuMsPer1000, Map<Integer, Long> calls,
            long lost) {
    }

    /** One publisher and two subscribers, whatever the client. */
    interface Rig extends AutoCloseable {
        void publish(String room, byte[] body);

        long heardBySlowest();

        long lost();

        @Override
        void close();
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int rooms = num(a, "rooms", 48);
        int payload = num(a, "payload", 64);
        int seconds = num(a, "seconds", 5);
        int runs = num(a, "runs", 3);
        int window = num(a, "window", 2000);
        System.out.printf(Locale.ROOT, "sharded fan-out: %d rooms, %d-byte payload, %d s per phase, window %d, %d "
                + "runs; %d cores; JDK %s%n", rooms, payload, seconds, window, runs,
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
        Map<Scenario, List<Result>> results = new EnumMap<>(Scenario.class);
        try (RedisServer single = RedisServer.start(); RedisCluster cluster = RedisCluster.start(3, 0, null)) {
            int tag = 0;
            for (int run = 1; run <= runs; run++) {
                for (Scenario s : Scenario.values()) {
                    String prefix = "sf" + tag++ + ":";
                    List<RedisServer> servers = s == Scenario.STANDALONE ? List.of(single) : cluster.primaries();
                    Supplier<Rig> rig = switch (s) {
                        case STANDALONE -> () -> backplanes(single.uri(), prefix, rooms);
                        case SHARDED -> () -> backplanes(cluster.uri(), prefix, rooms);
                        case CLASSIC -> () -> classic(cluster, prefix, rooms);
                    };
                    Result r = measure(rig, servers, rooms, payload, seconds, window);
                    results.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
                    System.out.printf(Locale.ROOT, "run %d  %-28s %,9.0f broadcasts/s  lost %d  Redis CPU ms per "
                            + "1000 by port %s  PUBLISH+SPUBLISH calls by port %s%n", run, s.label, r.perSecond(),
                            r.lost(), fmt(r.cpuMsPer1000()), r.calls());
                }
            }
        }
        System.out.println();
        System.out.println("| scenario | broadcasts/s, median (runs) | vs standalone | Redis CPU ms per 1,000 "
                + "broadcasts, per server (median) | share of calls on the busiest shard |");
        System.out.println("|---|---:|---:|---|---:|");
        double base = median(results.get(Scenario.STANDALONE).stream().map(Result::perSecond).toList());
        for (Scenario s : Scenario.values()) {
            List<Result> rs = results.get(s);
            double m = median(rs.stream().map(Result::perSecond).toList());
            List<String> per = rs.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r.perSecond())).toList();
            List<Double> cpu = new ArrayList<>();
            int servers = rs.get(0).cpuMsPer1000().size();
            for (int i = 0; i < servers; i++) {
                int k = i;
                cpu.add(median(rs.stream().map(r -> new ArrayList<>(r.cpuMsPer1000().values()).get(k)).toList()));
            }
            double busiest = median(rs.stream().map(r -> {
                long total = r.calls().values().stream().mapToLong(Long::longValue).sum();
                long max = r.calls().values().stream().mapToLong(Long::longValue).max().orElse(0);
                return total == 0 ? 0.0 : (double) max / total;
            }).toList());
            System.out.printf(Locale.ROOT, "| %s | %,.0f (%s) | %.2f× | %s | %.0f%% |%n", s.label, m,
                    String.join(", ", per), m / base, cpu.stream().map(c -> String.format(Locale.ROOT, "%.1f", c))
                            .toList(), busiest * 100);
        }
    }

    static Result measure(Supplier<Rig> factory, List<RedisServer> servers, int rooms, int payload, int seconds,
            int window) throws Exception {
        byte[] body = new byte[payload];
        java.util.Arrays.fill(body, (byte) 'x');
        try (Rig rig = factory.get()) {
            long sent = 0;
            // warm-up: 1 s
            sent = drive(rig, rooms, body, window, sent, System.nanoTime() + 1_000_000_000L);
            awaitHeard(rig, sent);
            Map<Integer, Long> cpu0 = cpu(servers);
            Map<Integer, Long> calls0 = calls(servers);
            long heard0 = rig.heardBySlowest();
            long t0 = System.nanoTime();
            long s0 = sent;
            sent = drive(rig, rooms, body, window, sent, t0 + seconds * 1_000_000_000L);
            awaitHeard(rig, sent);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long heard = rig.heardBySlowest() - heard0;
            Map<Integer, Long> cpu1 = cpu(servers);
            Map<Integer, Long> calls1 = calls(servers);
            long n = sent - s0;
            Map<Integer, Double> cpuPer = new java.util.TreeMap<>();
            Map<Integer, Long> calls = new java.util.TreeMap<>();
            for (RedisServer s : servers) {
                cpuPer.put(s.port(), (cpu1.get(s.port()) - cpu0.get(s.port())) * 10.0 * 1000 / n); // ticks of 10 ms
                calls.put(s.port(), calls1.get(s.port()) - calls0.get(s.port()));
            }
            return new Result(heard / elapsed, n, cpuPer, calls, rig.lost());
        }
    }

    private static long drive(Rig rig, int rooms, byte[] body, int window, long sent, long until) {
        while (System.nanoTime() < until) {
            if (sent - rig.heardBySlowest() >= window) {
                Thread.onSpinWait();
                continue;
            }
            rig.publish("room-" + (sent % rooms), body);
            sent++;
        }
        return sent;
    }

    private static void awaitHeard(Rig rig, long sent) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (rig.heardBySlowest() + rig.lost() < sent && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** The Sleet backplane: node 1 publishes, nodes 2 and 3 subscribe to every room. */
    static Rig backplanes(String uri, String prefix, int rooms) {
        List<RedisBackplane> nodes = new ArrayList<>();
        LongAdder[] heard = {new LongAdder(), new LongAdder()};
        for (int i = 1; i <= 3; i++) {
            RedisBackplane b = RedisBackplane.builder(uri).prefix(prefix).nodeId("sf-" + i).build();
            nodes.add(b);
            LongAdder counter = i == 1 ? new LongAdder() : heard[i - 2];
            b.start(broadcast -> counter.increment());
            try {
                if (!b.awaitConnected(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("no connection: " + b.lastError());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        for (int r = 0; r < rooms; r++) {
            nodes.get(1).subscribe("room-" + r);
            nodes.get(2).subscribe("room-" + r);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (nodes.get(1).metrics().get("subscribedRooms") < rooms
                || nodes.get(2).metrics().get("subscribedRooms") < rooms) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("subscriptions did not complete");
            }
            Thread.onSpinWait();
        }
        sleep(500); // SUBSCRIBE/SSUBSCRIBE confirmations
        RedisBackplane publisher = nodes.get(0);
        return new Rig() {
            @Override
            public void publish(String room, byte[] body) {
                publisher.publish(new RemoteBroadcast(room, true, ByteBuffer.wrap(body), RemoteBroadcast.NOBODY,
                        "sf-1"));
            }

            @Override
            public long heardBySlowest() {
                return Math.min(heard[0].sum(), heard[1].sum());
            }

            @Override
            public long lost() {
                return publisher.metrics().get("lost");
            }

            @Override
            public void close() {
                nodes.forEach(RedisBackplane::close);
            }
        };
    }

    /** Lettuce alone, classic PUBLISH/SUBSCRIBE on the cluster. */
    static Rig classic(RedisCluster cluster, String prefix, int rooms) {
        List<RedisURI> seeds = new ArrayList<>();
        for (RedisServer s : cluster.nodes()) {
            seeds.add(RedisURI.create("127.0.0.1", s.port()));
        }
        RedisClusterClient client = RedisClusterClient.create(seeds);
        StatefulRedisClusterConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE);
        pub.setAutoFlushCommands(false);
        LongAdder[] heard = {new LongAdder(), new LongAdder()};
        List<StatefulRedisClusterPubSubConnection<byte[], byte[]>> subs = new ArrayList<>();
        byte[][] channels = new byte[rooms][];
        for (int r = 0; r < rooms; r++) {
            channels[r] = (prefix + "r:room-" + r).getBytes(StandardCharsets.UTF_8);
        }
        for (int i = 0; i < 2; i++) {
            StatefulRedisClusterPubSubConnection<byte[], byte[]> s = client.connectPubSub(ByteArrayCodec.INSTANCE);
            LongAdder counter = heard[i];
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    counter.increment();
                }
            });
            s.sync().subscribe(channels);
            subs.add(s);
        }
        LongAdder failed = new LongAdder();
        long[] pending = {0};
        return new Rig() {
            @Override
            public void publish(String room, byte[] body) {
                pub.async().publish((prefix + "r:" + room).getBytes(StandardCharsets.UTF_8), body)
                        .whenComplete((v, e) -> {
                            if (e != null) {
                                failed.increment();
                            }
                        });
                if (++pending[0] % 256 == 0) {
                    heardBySlowest();
                }
            }

            @Override
            public long heardBySlowest() {
                flush();
                return Math.min(heard[0].sum(), heard[1].sum());
            }

            private void flush() {
                try {
                    pub.flushCommands();
                } catch (RuntimeException e) {
                    // Lettuce 7.7 may throw while it opens a node connection; the next flush sends what is queued
                }
            }

            @Override
            public long lost() {
                return failed.sum();
            }

            @Override
            public void close() {
                subs.forEach(StatefulRedisClusterPubSubConnection::close);
                pub.close();
                client.shutdown();
            }
        };
    }

    private static Map<Integer, Long> cpu(List<RedisServer> servers) throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        for (RedisServer s : servers) {
            String stat = Files.readString(Path.of("/proc/" + s.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            out.put(s.port(), Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime, clock ticks
        }
        return out;
    }

    private static Map<Integer, Long> calls(List<RedisServer> servers) throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        for (RedisServer s : servers) {
            out.put(s.port(), RedisCluster.calls(s, "publish") + RedisCluster.calls(s, "spublish"));
        }
        return out;
    }

    private static String fmt(Map<Integer, Double> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=')
                .append(String.format(Locale.ROOT, "%.1f", v)));
        return sb.append('}').toString();
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static int num(Map<String, String> a, String k, int d) {
        return a.containsKey(k) ? Integer.parseInt(a.get(k)) : d;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
