package dev.sleet.bench.cluster;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.redis.RedisBackplane;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RedisCluster;
import dev.sleet.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Checks the capacity model of docs/scaling.md against a real run: {@code --nodes} in-process Sleet nodes (real
 * servers, real WebSocket clients over loopback) share rooms through a real Redis Cluster of three primaries; a
 * synthetic population of many small rooms (2-6 members on random nodes) and a few hot rooms (members on every
 * node); a seeded random workload of broadcasts, a share of them in the hot rooms, each from a node that has a
 * member in the room.
 *
 * <p>From the population and the workload alone, before looking at Redis, the model predicts:
 * <ol>
 *   <li>sharded subscriptions per shard: the sum, over the rooms the shard owns, of the nodes with members;
 *   <li>{@code SPUBLISH} per shard: the broadcasts in the rooms the shard owns (one per broadcast, whatever the
 *       number of members);
 *   <li>pub/sub messages each shard sends: per broadcast, one per node with members in the room (the publisher's
 *       own copy included, which it drops);
 *   <li>cross-node receptions per Sleet node: the broadcasts in rooms where it has members, from other nodes;
 *   <li>client deliveries: per broadcast, the room's members;
 *   <li>Redis CPU per shard in proportion to the shard's (SPUBLISH + messages sent): reported, not asserted (10 ms
 *       clock ticks on a shared machine).
 * </ol>
 * The first five must match exactly (exit status 1 otherwise) with nothing lost or missed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sleet.bench.cluster.ClusterSimulation \
 *     --nodes 4 --rooms 300 --hot 3 --hot-members 10 --broadcasts 20000 --hot-share 0.3 --seed 1
 * </pre>
 */
public final class ClusterSimulation {
    private ClusterSimulation() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int nodeCount = Integer.parseInt(a.getOrDefault("nodes", "4"));
        int smallRooms = Integer.parseInt(a.getOrDefault("rooms", "300"));
        int hotRooms = Integer.parseInt(a.getOrDefault("hot", "3"));
        int hotMembers = Integer.parseInt(a.getOrDefault("hot-members", "10"));
        int broadcasts = Integer.parseInt(a.getOrDefault("broadcasts", "20000"));
        double hotShare = Double.parseDouble(a.getOrDefault("hot-share", "0.3"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        Random random = new Random(seed);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);

        // The population: room -> members per node.
        Map<String, int[]> population = new LinkedHashMap<>();
        for (int h = 0; h < hotRooms; h++) {
            int[] perNode = new int[nodeCount];
            java.util.Arrays.fill(perNode, hotMembers);
            population.put("hot-" + h, perNode);
        }
        for (int r = 0; r < smallRooms; r++) {
            int[] perNode = new int[nodeCount];
            int size = 2 + random.nextInt(5);
            for (int m = 0; m < size; m++) {
                perNode[random.nextInt(nodeCount)]++;
            }
            population.put("room-" + r, perNode);
        }
        int connections = population.values().stream().mapToInt(p -> java.util.Arrays.stream(p).sum()).sum();
        System.out.printf(Locale.ROOT, "simulation: %d nodes, %d rooms (%d hot with %d members per node), %d "
                + "connections, %d broadcasts (%.0f%% in hot rooms), seed %d; %d cores; JDK %s%n", nodeCount,
                population.size(), hotRooms, hotMembers, connections, broadcasts, hotShare * 100, seed,
                Runtime.getRuntime().availableProcessors(), Runtime.version());

        String prefix = "sim:";
        List<Rooms> rooms = new ArrayList<>();
        List<RedisBackplane> backplanes = new ArrayList<>();
        List<WebSocketServer> servers = new ArrayList<>();
        boolean ok = true;
        try (RedisCluster cluster = RedisCluster.start(3, 0, null);
                FanoutClients clients = new FanoutClients(nodeCount)) {
            for (int i = 1; i <= nodeCount; i++) {
                RedisBackplane b = RedisBackplane.builder(cluster.uri()).prefix(prefix).nodeId("sim-" + i).build();
                if (!b.awaitConnected(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("no connection: " + b.lastError());
                }
                Rooms r = Rooms.builder().backplane(b).build();
                backplanes.add(b);
                rooms.add(r);
                servers.add(WebSocketServer.builder().host("127.0.0.1").port(0).nodeId(i).eventLoops(1).workers(1)
                        .maxQueuedBytes(64L << 20).pingInterval(Duration.ZERO).handler(handler(r)).start());
            }
            for (Map.Entry<String, int[]> e : population.entrySet()) {
                for (int n = 0; n < nodeCount; n++) {
                    for (int m = 0; m < e.getValue()[n]; m++) {
                        clients.connect(n, servers.get(n).port(), "/?room=" + e.getKey());
                    }
                }
            }
            clients.start();
            await(() -> rooms.stream().mapToInt(r -> r.rooms().stream().mapToInt(r::count).sum()).sum() == connections,
                    "every member");

            // Which shard owns each room: asked of Redis (CLUSTER KEYSLOT), as a user would plan.
            List<RedisServer> primaries = cluster.primaries();
            Map<String, RedisServer> owner = new HashMap<>();
            for (String room : population.keySet()) {
                owner.put(room, cluster.primaryOf(cluster.slot(channel(prefix, room))));
            }

            // Prediction 1: subscriptions per shard.
            Map<RedisServer, Long> predictedSubs = zero(primaries);
            for (Map.Entry<String, int[]> e : population.entrySet()) {
                predictedSubs.merge(owner.get(e.getKey()), (long) nodesWith(e.getValue()), Long::sum);
            }
            await(() -> measuredSubs(population, owner, prefix, primaries).equals(predictedSubs), "subscriptions");
            Map<RedisServer, Long> subs = measuredSubs(population, owner, prefix, primaries);

            // The workload.
            List<String> hot = population.keySet().stream().filter(r -> r.startsWith("hot-")).toList();
            List<String> small = population.keySet().stream().filter(r -> r.startsWith("room-")).toList();
            Map<RedisServer, Long> predictedSpublish = zero(primaries);
            Map<RedisServer, Long> predictedOut = zero(primaries);
            double formulaOut = 0; // the model's E[nodes with members] = N(1 - (1 - 1/N)^k), from room sizes alone
            long[] predictedReceived = new long[nodeCount];
            long predictedDeliveries = 0;
            Map<RedisServer, Long> spublish0 = calls(primaries, "spublish");
            Map<RedisServer, Long> cpu0 = cpuTicks(primaries);
            long[] received0 = new long[nodeCount];
            for (int n = 0; n < nodeCount; n++) {
                received0[n] = backplanes.get(n).metrics().get("received");
            }
            long deliveries0 = clients.deliveries();
            long t0 = System.nanoTime();
            for (int i = 0; i < broadcasts; i++) {
                String room = !hot.isEmpty() && random.nextDouble() < hotShare ? hot.get(random.nextInt(hot.size()))
                        : small.get(random.nextInt(small.size()));
                int[] perNode = population.get(room);
                int members = java.util.Arrays.stream(perNode).sum();
                int pick = random.nextInt(members); // the publisher: a member's node
                int from = 0;
                while (pick >= perNode[from]) {
                    pick -= perNode[from++];
                }
                predictedSpublish.merge(owner.get(room), 1L, Long::sum);
                predictedOut.merge(owner.get(room), (long) nodesWith(perNode), Long::sum);
                for (int n = 0; n < nodeCount; n++) {
                    if (n != from && perNode[n] > 0) {
                        predictedReceived[n]++;
                    }
                }
                predictedDeliveries += members;
                formulaOut += nodeCount * (1 - Math.pow(1 - 1.0 / nodeCount, members));
                while (predictedDeliveries - (clients.deliveries() - deliveries0) > 20_000) {
                    Thread.onSpinWait(); // closed loop: bounded work in flight
                }
                rooms.get(from).broadcast(room, "s" + i);
            }
            long expected = predictedDeliveries;
            await(() -> clients.deliveries() - deliveries0 >= expected, "every delivery");
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(300); // anything extra would arrive now
            Map<RedisServer, Long> spublish = minus(calls(primaries, "spublish"), spublish0);
            Map<RedisServer, Long> cpu = minus(cpuTicks(primaries), cpu0);
            long deliveries = clients.deliveries() - deliveries0;

            System.out.println();
            System.out.println("| check | predicted | measured | |");
            System.out.println("|---|---|---|---|");
            ok &= row("sharded subscriptions per shard", ports(predictedSubs), ports(subs));
            ok &= row("SPUBLISH per shard", ports(predictedSpublish), ports(spublish));
            long[] received = new long[nodeCount];
            long lost = 0;
            long missed = 0;
            for (int n = 0; n < nodeCount; n++) {
                Map<String, Long> m = backplanes.get(n).metrics();
                received[n] = m.get("received") - received0[n];
                lost += m.get("lost");
                missed += m.get("missed");
            }
            ok &= row("cross-node receptions per Sleet node", java.util.Arrays.toString(predictedReceived),
                    java.util.Arrays.toString(received));
            ok &= row("client deliveries", Long.toString(predictedDeliveries), Long.toString(deliveries));
            ok &= row("lost + missed", "0", Long.toString(lost + missed));
            long totalLoad = 0;
            for (RedisServer p : primaries) {
                totalLoad += predictedSpublish.get(p) + predictedOut.get(p);
            }
            long totalCpu = cpu.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder share = new StringBuilder();
            StringBuilder cpuShare = new StringBuilder();
            for (RedisServer p : primaries) {
                share.append(String.format(Locale.ROOT, "%d: %.0f%% ", p.port(),
                        100.0 * (predictedSpublish.get(p) + predictedOut.get(p)) / totalLoad));
                cpuShare.append(String.format(Locale.ROOT, "%d: %.0f%% ", p.port(),
                        totalCpu == 0 ? 0 : 100.0 * cpu.get(p) / totalCpu));
            }
            System.out.printf(Locale.ROOT, "| Redis CPU share per shard (reported only) | %s| %s(%d ms in all) | |%n",
                    share, cpuShare, totalCpu * 10);
            System.out.printf(Locale.ROOT, "| messages each shard sent | %s | (from the prediction) | |%n",
                    ports(predictedOut));
            long exactOut = predictedOut.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "| pub/sub messages sent, all shards: model E[n] = N(1-(1-1/N)^k) vs the "
                    + "population's exact count (reported) | %,.0f | %,d (%+.1f%%) | |%n", formulaOut, exactOut,
                    100.0 * (exactOut - formulaOut) / formulaOut);
            System.out.printf(Locale.ROOT, "| Redis CPU per pub/sub message in or out, all shards (reported) | | %.2f µs "
                    + "(%d ms / %,d messages) | |%n", totalCpu * 10_000.0 / (totalLoad), totalCpu * 10, totalLoad);
            servers.forEach(WebSocketServer::close); // before the cluster stops, so no node sees it go
            rooms.forEach(Rooms::close);
            servers.clear();
            rooms.clear();
            System.out.printf(Locale.ROOT, "%nrun: %.1f s, %,.0f broadcasts/s, %,.0f deliveries/s; Redis CPU %.0f µs "
                    + "per broadcast over all shards%n", seconds, broadcasts / seconds, deliveries / seconds,
                    totalCpu * 10_000.0 / broadcasts);
        } finally {
            servers.forEach(WebSocketServer::close);
            rooms.forEach(Rooms::close);
        }
        System.out.println(ok ? "every exact prediction held" : "SOME PREDICTIONS FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static boolean row(String what, String predicted, String measured) {
        boolean same = predicted.equals(measured);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", what, predicted, measured, same ? "ok" : "MISMATCH");
        return same;
    }

    static String channel(String prefix, String room) {
        return prefix + "r:{" + room + "}";
    }

    private static int nodesWith(int[] perNode) {
        int n = 0;
        for (int c : perNode) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }

    private static Map<RedisServer, Long> measuredSubs(Map<String, int[]> population, Map<String, RedisServer> owner,
            String prefix, List<RedisServer> primaries) {
        Map<RedisServer, Long> out = zero(primaries);
        try {
            for (String room : population.keySet()) {
                List<?> reply = (List<?>) owner.get(room).command("PUBSUB", "SHARDNUMSUB", channel(prefix, room));
                out.merge(owner.get(room), (Long) reply.get(1), Long::sum);
            }
        } catch (Exception e) {
            return Map.of();
        }
        return out;
    }

    private static Map<RedisServer, Long> zero(List<RedisServer> primaries) {
        Map<RedisServer, Long> m = new LinkedHashMap<>();
        primaries.forEach(p -> m.put(p, 0L));
        return m;
    }

    private static Map<RedisServer, Long> calls(List<RedisServer> primaries, String command) throws Exception {
        Map<RedisServer, Long> m = new LinkedHashMap<>();
        for (RedisServer p : primaries) {
            m.put(p, RedisCluster.calls(p, command));
        }
        return m;
    }

    private static Map<RedisServer, Long> cpuTicks(List<RedisServer> primaries) throws Exception {
        Map<RedisServer, Long> m = new LinkedHashMap<>();
        for (RedisServer p : primaries) {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            m.put(p, Long.parseLong(f[11]) + Long.parseLong(f[12]));
        }
        return m;
    }

    private static Map<RedisServer, Long> minus(Map<RedisServer, Long> a, Map<RedisServer, Long> b) {
        Map<RedisServer, Long> m = new LinkedHashMap<>();
        a.forEach((k, v) -> m.put(k, v - b.get(k)));
        return m;
    }

    private static String ports(Map<RedisServer, Long> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k.port()).append('=').append(v));
        return sb.toString();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static WebSocketHandler handler(Rooms rooms) {
        return new WebSocketHandler() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) {
                return ConnectDecision.accept(request.queryParam("room").orElse("lobby"));
            }

            @Override
            public void onOpen(Connection c) {
                rooms.join(c, c.state(String.class));
            }

            @Override
            public void onMessage(Connection c, Message m) {
                // members only listen
            }
        };
    }
}
