package dev.sleet.bench.cluster;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.redis.RedisBackplane;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Cross-node fan-out through the Redis backplane: one room of {@code --members} real WebSocket clients, spread
 * over three Sleet nodes that share a real Redis, against the same room on one node (without a backplane, and
 * with the Redis backplane but no other node). A publisher on node 1 broadcasts; every client records the
 * latency of every delivery.
 *
 * <p>Per scenario, in one JVM and one run (the scenarios alternate across {@code --runs}):
 * <ul>
 *   <li><b>deliveries/s</b>: closed-loop bursts of {@code --burst} broadcasts, each burst waiting until every
 *       member has every message; deliveries counted at the clients;
 *   <li><b>latency</b> p50/p99/max: open loop at {@code --rate} broadcasts/s, measured from the intended send
 *       time (so a stalled publisher shows up as latency), all members and remote members only;
 *   <li><b>PUBLISH per broadcast</b>: Redis' own count of PUBLISH calls ({@code INFO commandstats}) over the
 *       number of broadcasts;
 *   <li><b>missing</b>: deliveries that never arrived (must be 0).
 * </ul>
 * Every node runs one event loop and one actor worker, so the three-node cluster is not given more threads per
 * node than the single node. The machine's cores are shared by clients, nodes and Redis alike.
 *
 * <pre>
 * flock /tmp/sleet-bench.lock java -cp benchmarks/target/benchmarks.jar dev.sleet.bench.cluster.ClusterFanout \
 *     --members 150 --payload 64 --seconds 5 --rate 1000 --runs 3
 * </pre>
 */
public final class ClusterFanout {
    private ClusterFanout() {
    }

    enum Scenario {
        ONE_NODE("1 node, no backplane", 1, false),
        ONE_NODE_REDIS("1 node + Redis backplane", 1, true),
        THREE_NODES("3 nodes via Redis", 3, true);

        final String label;
        final int nodes;
        final boolean redis;

        Scenario(String label, int nodes, boolean redis) {
            this.label = label;
            this.nodes = nodes;
            this.redis = redis;
        }
    }

    record Options(int members, int payload, int seconds, int warmup, int rate, int burst, int runs) {
    }

    record Result(double deliveriesPerSecond, double p50us, double p99us, double maxUs, double remoteP99us,
            double publishesPerBroadcast, long missing, long broadcasts) {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Options o = new Options(num(a, "members", 150), num(a, "payload", 64), num(a, "seconds", 5),
                num(a, "warmup", 2), num(a, "rate", 1000), num(a, "burst", 50), num(a, "runs", 3));
        System.out.printf(Locale.ROOT, "cluster fan-out: %d members, %d-byte text, %d s per phase, latency at %d "
                + "broadcasts/s, bursts of %d, %d runs; JDK %s%n", o.members(), o.payload(), o.seconds(), o.rate(),
                o.burst(), o.runs(), Runtime.version());
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        Map<Scenario, List<Result>> results = new java.util.EnumMap<>(Scenario.class);
        try (RedisServer redis = RedisServer.start()) {
            int prefix = 0;
            for (int run = 1; run <= o.runs(); run++) {
                for (Scenario s : Scenario.values()) {
                    Result r = run(s, o, redis, "bench" + (prefix++) + ":");
                    results.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
                    System.out.printf(Locale.ROOT, "run %d  %-26s %s%n", run, s.label, format(r));
                }
            }
        }
        System.out.println();
        System.out.println("| scenario | deliveries/s | p50 µs | p99 µs | max µs | remote p99 µs | PUBLISH/broadcast | missing |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        Result base = null;
        for (Scenario s : Scenario.values()) {
            Result m = median(results.get(s));
            if (base == null) {
                base = m;
            }
            System.out.printf(Locale.ROOT, "| %s | %,.0f (%.2f×) | %.0f | %.0f | %.0f | %s | %s | %d |%n", s.label,
                    m.deliveriesPerSecond(), m.deliveriesPerSecond() / base.deliveriesPerSecond(), m.p50us(),
                    m.p99us(), m.maxUs(), s.nodes > 1 ? String.format(Locale.ROOT, "%.0f", m.remoteP99us()) : "–",
                    s.redis ? String.format(Locale.ROOT, "%.2f", m.publishesPerBroadcast()) : "–", m.missing());
        }
    }

    private static String format(Result r) {
        return String.format(Locale.ROOT, "%,10.0f deliveries/s  p50 %6.0f µs  p99 %7.0f µs  max %7.0f µs  "
                + "remote p99 %7.0f µs  PUBLISH/broadcast %.2f  missing %d (of %d broadcasts)", r.deliveriesPerSecond(),
                r.p50us(), r.p99us(), r.maxUs(), r.remoteP99us(), r.publishesPerBroadcast(), r.missing(),
                r.broadcasts());
    }

    private static Result median(List<Result> rs) {
        return new Result(med(rs, Result::deliveriesPerSecond), med(rs, Result::p50us), med(rs, Result::p99us),
                med(rs, Result::maxUs), med(rs, Result::remoteP99us), med(rs, Result::publishesPerBroadcast),
                rs.stream().mapToLong(Result::missing).sum(), rs.stream().mapToLong(Result::broadcasts).sum());
    }

    private static double med(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static int num(Map<String, String> a, String k, int d) {
        return a.containsKey(k) ? Integer.parseInt(a.get(k)) : d;
    }

    /** One node of the cluster under test. */
    record Node(Rooms rooms, RedisBackplane backplane, WebSocketServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            rooms.close();
        }
    }

    static Result run(Scenario s, Options o, RedisServer redis, String prefix) throws Exception {
        List<Node> nodes = new ArrayList<>();
        try (FanoutClients clients = new FanoutClients(s.nodes)) {
            for (int i = 1; i <= s.nodes; i++) {
                RedisBackplane b = null;
                Rooms rooms;
                if (s.redis) {
                    b = RedisBackplane.builder(redis.uri()).prefix(prefix).nodeId("bench-" + i).build();
                    if (!b.awaitConnected(Duration.ofSeconds(10))) {
                        throw new IllegalStateException("backplane did not connect: " + b.lastError());
                    }
                    rooms = Rooms.builder().backplane(b).build();
                } else {
                    rooms = Rooms.create();
                }
                Rooms r = rooms;
                WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).nodeId(i)
                        .eventLoops(1).workers(1).maxQueuedBytes(64L << 20).pingInterval(Duration.ZERO)
                        .handler(new WebSocketHandler() {
                            @Override
                            public ConnectDecision onConnect(UpgradeRequest request) {
                                return ConnectDecision.accept();
                            }

                            @Override
                            public void onOpen(Connection c) {
                                r.join(c, "bench");
                            }

                            @Override
                            public void onMessage(Connection c, Message m) {
                                // the clients only read
                            }
                        }).start();
                nodes.add(new Node(rooms, b, server));
            }
            for (int m = 0; m < o.members(); m++) {
                int node = m % s.nodes;
                clients.connect(node, nodes.get(node).server().port(), "/");
            }
            clients.start();
            await(() -> nodes.stream().mapToInt(n -> n.rooms().count("bench")).sum() == o.members(), "members");
            if (s.redis) {
                await(() -> subscribers(redis, prefix + "r:bench") == s.nodes, "subscriptions");
            }
            Rooms publisher = nodes.get(0).rooms();
            String pad = "x".repeat(Math.max(o.payload() - 20, 0));

            // Warm-up, then closed-loop bursts for throughput.
            bursts(publisher, clients, o, pad, o.warmup());
            long d0 = clients.deliveries();
            long t0 = System.nanoTime();
            long sent = bursts(publisher, clients, o, pad, o.seconds());
            double seconds = (System.nanoTime() - t0) / 1e9;
            long delivered = clients.deliveries() - d0;
            double perSecond = delivered / seconds;
            long missing = sent * o.members() - delivered;

            // Open loop at a fixed rate for latency.
            long publishes0 = s.redis ? publishCalls(redis) : 0;
            long d1 = clients.deliveries();
            clients.recording(true);
            long interval = TimeUnit.SECONDS.toNanos(1) / o.rate();
            long start = System.nanoTime();
            long count = (long) o.rate() * o.seconds();
            for (long k = 0; k < count; k++) {
                long intended = start + k * interval;
                long wait;
                while ((wait = intended - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(Math.min(wait, 200_000));
                }
                publisher.broadcast("bench", intended + ":" + pad);
            }
            long expected = d1 + count * o.members();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (clients.deliveries() < expected && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            clients.recording(false);
            missing += expected - clients.deliveries();
            double perBroadcast = s.redis ? (publishCalls(redis) - publishes0) / (double) count : 0;
            Histogram all = new Histogram(3_600_000_000_000L, 3);
            Histogram remote = new Histogram(3_600_000_000_000L, 3);
            for (int n = 0; n < s.nodes; n++) {
                all.add(clients.histogram(n));
                if (n > 0) {
                    remote.add(clients.histogram(n));
                }
            }
            return new Result(perSecond, all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3,
                    all.getMaxValue() / 1e3, remote.getTotalCount() > 0 ? remote.getValueAtPercentile(99) / 1e3 : 0,
                    perBroadcast, missing, sent + count);
        } finally {
            for (Node n : nodes) {
                n.close();
            }
        }
    }

    /** Sends bursts for {@code seconds}, each burst waiting until every member has it; returns broadcasts sent. */
    private static long bursts(Rooms publisher, FanoutClients clients, Options o, String pad, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long sent = 0;
        long target = clients.deliveries();
        while (System.nanoTime() < end) {
            for (int i = 0; i < o.burst(); i++) {
                publisher.broadcast("bench", System.nanoTime() + ":" + pad);
            }
            sent += o.burst();
            target += (long) o.burst() * o.members();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (clients.deliveries() < target && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            target = Math.min(target, clients.deliveries()); // a loss is reported as missing, not waited on again
        }
        return sent;
    }

    private static long subscribers(RedisServer redis, String channel) {
        try {
            return (Long) ((List<?>) redis.command("PUBSUB", "NUMSUB", channel)).get(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static long publishCalls(RedisServer redis) throws Exception {
        for (String line : ((String) redis.command("INFO", "commandstats")).split("\r\n")) {
            if (line.startsWith("cmdstat_publish:calls=")) {
                return Long.parseLong(line.substring(22, line.indexOf(',')));
            }
        }
        return 0;
    }

    private static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
