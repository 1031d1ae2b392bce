package dev.sleet.rooms.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.redis.internal.Names;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisCluster;
import dev.sleet.testkit.RedisServer;
import dev.sleet.testkit.TestCertificates;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Sleet nodes sharing rooms through a real Redis Cluster (three primaries, three replicas, a password on
 * every node, given in the URI), with real WebSocket clients: broadcasts cross nodes once per member with
 * {@code SPUBLISH} on the room's shard only, a node subscribes ({@code SSUBSCRIBE}) on the owning shard only while
 * it has members, presence spans the nodes, and node numbers are claimed on one slot.
 */
class RedisClusterBackplaneTest {
    static final String PASSWORD = "cluster-s3cret";
    static RedisCluster redis;
    static int run;
    Cluster cluster;
    String prefix;
    final List<RawWebSocket> clients = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(RedisCluster.tools().isPresent(), RedisCluster.MISSING);
        redis = RedisCluster.start(3, 1, PASSWORD);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (RawWebSocket c : clients) {
            c.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startNodes(int size) throws Exception {
        prefix = "c" + ++run + ":";
        assertTrue(redis.uri().startsWith("redis-cluster://:" + PASSWORD + "@127.0.0.1:"), redis.uri());
        cluster = new Cluster(prefix, size,
                i -> RedisBackplane.builder(redis.uri()).presenceTtl(Duration.ofSeconds(1)));
    }

    private RawWebSocket join(int node, String room, String name) throws Exception {
        RawWebSocket ws = cluster.node(node).join(room, name);
        clients.add(ws);
        return ws;
    }

    /** The room's sharded channel, as the backplane names it. */
    static String channel(String prefix, String room) {
        return new String(new Names(prefix, "any", true).channel(room), StandardCharsets.UTF_8);
    }

    /** Subscribers of the room's channel on the primary that owns it ({@code PUBSUB SHARDNUMSUB}). */
    static long shardSubscribers(RedisCluster redis, String prefix, String room) {
        try {
            String ch = channel(prefix, room);
            List<?> reply = (List<?>) redis.primaryOf(redis.slot(ch)).command("PUBSUB", "SHARDNUMSUB", ch);
            return (Long) reply.get(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** One room name per primary: rooms whose slots land on three different shards. */
    static Map<RedisServer, String> roomPerShard(RedisCluster redis, String prefix) throws Exception {
        Map<RedisServer, String> rooms = new LinkedHashMap<>();
        for (int i = 0; rooms.size() < redis.primaryCount() && i < 1000; i++) {
            String room = "room-" + i;
            rooms.putIfAbsent(redis.primaryOf(redis.slot(channel(prefix, room))), room);
        }
        assertEquals(redis.primaryCount(), rooms.size(), "found a room on every shard");
        return rooms;
    }

    private static long total(RedisCluster redis, String command) throws Exception {
        long n = 0;
        for (RedisServer s : redis.nodes()) {
            n += RedisCluster.calls(s, command);
        }
        return n;
    }

    @Test
    void aBroadcastReachesEveryMemberOnEveryNodeOnceThroughItsRoomsShardOnly() throws Exception {
        startNodes(3);
        Map<RedisServer, String> rooms = roomPerShard(redis, prefix);
        Map<String, Map<String, RawWebSocket>> members = new HashMap<>();
        for (String room : rooms.values()) {
            Map<String, RawWebSocket> inRoom = new HashMap<>();
            for (int node = 1; node <= 3; node++) {
                for (int i = 1; i <= 2; i++) {
                    inRoom.put("n" + node + "m" + i, join(node, room, room + "-n" + node + "m" + i));
                }
            }
            members.put(room, inRoom);
        }
        for (String room : rooms.values()) {
            String r = room;
            Cluster.await(() -> shardSubscribers(redis, prefix, r) == 3, "3 shard subscribers of " + room);
        }
        Map<RedisServer, Long> spublishBefore = new HashMap<>();
        for (RedisServer primary : rooms.keySet()) {
            spublishBefore.put(primary, RedisCluster.calls(primary, "spublish"));
        }
        long publishBefore = total(redis, "publish");

        for (String room : rooms.values()) {
            for (int node = 1; node <= 3; node++) {
                members.get(room).get("n" + node + "m1").sendText("all:" + room + " from " + node);
                for (RawWebSocket ws : members.get(room).values()) { // lands everywhere before the next
                    RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
                    assertEquals(room + " from " + node, f == null ? null : f.text());
                }
            }
        }
        for (Map<String, RawWebSocket> inRoom : members.values()) {
            for (Map.Entry<String, RawWebSocket> e : inRoom.entrySet()) {
                assertNull(e.getValue().readFrame(Duration.ofMillis(50)), e.getKey() + " got a repeat");
            }
        }
        for (Map.Entry<RedisServer, String> e : rooms.entrySet()) {
            assertEquals(3, RedisCluster.calls(e.getKey(), "spublish") - spublishBefore.get(e.getKey()),
                    "the shard of " + e.getValue() + " handled its room's three SPUBLISH and nothing else");
        }
        assertEquals(publishBefore, total(redis, "publish"), "no classic PUBLISH anywhere in the cluster");
        for (Cluster.Node n : cluster.nodes) {
            assertEquals(3, n.metric("published"), "node " + n.number() + ": one broadcast per room");
            assertEquals(6, n.metric("received"), "node " + n.number() + ": two other nodes x three rooms");
            assertEquals(0, n.metric("lost"));
            assertEquals(0, n.metric("missed"));
            assertEquals(3, n.metric("shardConnections"), "one sharded pub/sub connection per primary");
        }
    }

    @Test
    void aNodeSubscribesOnTheRoomsShardOnlyWhileItHasMembersThere() throws Exception {
        startNodes(3);
        RawWebSocket a = join(1, "quiet", "a");
        List<RawWebSocket> many = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            many.add(join(2, "quiet", "b" + i));
        }
        Cluster.await(() -> shardSubscribers(redis, prefix, "quiet") == 2, "nodes 1 and 2 subscribed");
        assertEquals(0, cluster.node(3).metric("subscribedRooms"));
        String ch = channel(prefix, "quiet");
        RedisServer owner = redis.primaryOf(redis.slot(ch));
        for (RedisServer other : redis.primaries()) {
            if (other != owner) {
                List<?> reply = (List<?>) other.command("PUBSUB", "SHARDNUMSUB", ch);
                assertEquals(0L, reply.get(1), "no subscriber of the room on shard " + other.port());
            }
        }
        for (int i = 0; i < 5; i++) {
            a.sendText("all:m" + i);
        }
        List<String> expected = List.of("m0", "m1", "m2", "m3", "m4");
        assertEquals(expected, read(a, 5));
        for (RawWebSocket ws : many) {
            assertEquals(expected, read(ws, 5));
        }
        assertEquals(5, cluster.node(2).metric("received"), "four members, yet each broadcast crossed once");
        assertEquals(0, cluster.node(3).metric("received"), "node 3 has no members there and heard nothing");
        assertEquals(0, cluster.node(3).metric("shardConnections"), "node 3 has no sharded subscription at all");

        for (RawWebSocket ws : many) {
            ws.sendClose(1000, "");
            ws.awaitEof(Duration.ofSeconds(5));
        }
        Cluster.await(() -> shardSubscribers(redis, prefix, "quiet") == 1, "node 2 to SUNSUBSCRIBE");
        a.sendText("all:after");
        assertEquals(List.of("after"), read(a, 1));
        assertEquals(5, cluster.node(2).metric("received"), "an unsubscribed node hears nothing more");
    }

    @Test
    void presenceAndCountsSpanTheNodesAndACrashedNodeExpires() throws Exception {
        startNodes(3);
        Map<RedisServer, String> rooms = roomPerShard(redis, prefix);
        Set<String> all = new TreeSet<>();
        for (String room : rooms.values()) {
            for (int node = 1; node <= 3; node++) {
                join(node, room, room + "-" + node);
            }
        }
        for (String room : rooms.values()) {
            Set<String> expected = Set.of(room + "-1", room + "-2", room + "-3");
            all.addAll(expected);
            for (Cluster.Node n : cluster.nodes) {
                Cluster.await(() -> n.rooms().clusterCount(room) == 3, "3 members of " + room + " from node "
                        + n.number());
                assertEquals(expected, names(n.rooms().presence(room)), "presence of " + room);
            }
        }
        String presenceKey = prefix + "p:{" + rooms.values().iterator().next() + "}:node-1";
        String nodesKey = prefix + "n:{" + rooms.values().iterator().next() + "}";
        assertEquals(redis.slot(channel(prefix, rooms.values().iterator().next())), redis.slot(presenceKey),
                "a room's channel and its presence hash share a slot");
        assertEquals(redis.slot(presenceKey), redis.slot(nodesKey));

        Cluster.Node three = cluster.node(3);
        three.backplane().abandon(); // silence, no clean-up: its presence must expire
        three.server().close();
        for (String room : rooms.values()) {
            for (int node = 1; node <= 2; node++) {
                Cluster.Node n = cluster.node(node);
                Cluster.await(() -> n.rooms().clusterCount(room) == 2, "node 3's member of " + room
                        + " to expire, seen from node " + node);
                assertEquals(Set.of(room + "-1", room + "-2"), names(n.rooms().presence(room)));
            }
        }
    }

    @Test
    void nodeNumbersAreClaimedOnOneSlotAndAreDistinct() throws Exception {
        startNodes(3);
        Set<Integer> numbers = new HashSet<>();
        for (Cluster.Node n : cluster.nodes) {
            int number = n.backplane().claimNodeNumber(Duration.ofSeconds(5));
            assertTrue(number >= 1 && number <= 65535);
            assertTrue(numbers.add(number), "distinct: " + numbers + " + " + number);
            assertEquals(number, n.backplane().claimNodeNumber(Duration.ofSeconds(5)), "the same when asked again");
        }
    }

    @Test
    void clusterUrisAreCheckedAndBuilderCredentialsWork() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder("redis-cluster://"));
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder("redis-cluster://h:1,h:99999"));
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder("redis-cluster://h:1/2"));
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder("redis-cluster://h:1?timeout=3"));
        assertThrows(IllegalArgumentException.class,
                () -> RedisBackplane.builder("redis-cluster://h:1").prefix("{app}:"));
        // The same cluster, the password from the builder instead of the URI.
        String bare = redis.uri().replace(":" + PASSWORD + "@", "");
        assertNotEquals(redis.uri(), bare);
        prefix = "c" + ++run + ":";
        cluster = new Cluster(prefix, 2, i -> RedisBackplane.builder(bare).credentials(null, PASSWORD));
        RawWebSocket a = join(1, "creds", "a");
        RawWebSocket b = join(2, "creds", "b");
        Cluster.await(() -> shardSubscribers(redis, prefix, "creds") == 2, "both nodes subscribed");
        a.sendText("all:hi");
        assertEquals(List.of("hi"), read(a, 1));
        assertEquals(List.of("hi"), read(b, 1));
        // A wrong password never connects and says why.
        RedisBackplane wrong = RedisBackplane.builder(bare).credentials(null, "wrong").nodeId("wrong").build();
        try {
            assertTrue(!wrong.awaitConnected(Duration.ofSeconds(2)), "a wrong password does not connect");
            assertTrue(wrong.lastError().isPresent(), "and says why");
        } finally {
            wrong.close();
        }
    }

    @Test
    void aHotRoomSplitOverLanesSpreadsItsBroadcastsAndStillReachesEveryMemberOnce() throws Exception {
        prefix = "c" + ++run + ":";
        cluster = new Cluster(prefix, 3, i -> RedisBackplane.builder(redis.uri()).splitRoom("stage", 3));
        Map<String, RawWebSocket> members = new HashMap<>();
        for (int node = 1; node <= 3; node++) {
            for (int i = 1; i <= 2; i++) {
                members.put("n" + node + "m" + i, join(node, "stage", "n" + node + "m" + i));
            }
        }
        Names names = new Names(prefix, "any", true);
        Set<RedisServer> shards = new HashSet<>();
        for (int lane = 0; lane < 3; lane++) {
            String ch = new String(names.channel("stage", lane, 3), StandardCharsets.UTF_8);
            RedisServer owner = redis.primaryOf(redis.slot(ch));
            shards.add(owner);
            Cluster.await(() -> subscribers(owner, ch) == 3, "3 subscribers of lane " + ch);
        }
        long spublishBefore = total(redis, "spublish");
        for (int node = 1; node <= 3; node++) {
            members.get("n" + node + "m1").sendText("all:from " + node);
            for (RawWebSocket ws : members.values()) { // in order, once each
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
                assertEquals("from " + node, f == null ? null : f.text());
            }
        }
        for (Map.Entry<String, RawWebSocket> e : members.entrySet()) {
            assertNull(e.getValue().readFrame(Duration.ofMillis(50)), e.getKey() + " got a repeat");
        }
        assertEquals(3, total(redis, "spublish") - spublishBefore, "one SPUBLISH per broadcast");
        assertTrue(shards.size() >= 2, "the lanes live on more than one shard: " + shards.size());
        for (Cluster.Node n : cluster.nodes) {
            assertEquals(2, n.metric("received"));
            assertEquals(0, n.metric("missed"));
        }
        Cluster.await(() -> cluster.node(1).rooms().clusterCount("stage") == 6,
                "presence (on the room's own slot) to count six members");
    }

    private static long subscribers(RedisServer owner, String channel) {
        try {
            return (Long) ((List<?>) owner.command("PUBSUB", "SHARDNUMSUB", channel)).get(1);
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void tlsToEveryNodeWithAPassword(@TempDir Path dir) throws Exception {
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost");
        try (RedisCluster secure = RedisCluster.startTls(3, 0, PASSWORD, cert.certificatePem(),
                cert.privateKeyPem())) {
            assertTrue(secure.uri().startsWith("rediss-cluster://:" + PASSWORD + "@"), secure.uri());
            prefix = "tls:";
            cluster = new Cluster(prefix, 2, i -> RedisBackplane.builder(secure.uri())
                    .trustedCertificates(cert.certificatePem()));
            Map<RedisServer, String> rooms = roomPerShard(secure, prefix);
            for (String room : rooms.values()) {
                RawWebSocket a = join(1, room, "a");
                RawWebSocket b = join(2, room, "b");
                Cluster.await(() -> shardSubscribers(secure, prefix, room) == 2, "both nodes on " + room);
                b.sendText("all:over TLS in " + room);
                assertEquals(List.of("over TLS in " + room), read(a, 1));
                assertEquals(List.of("over TLS in " + room), read(b, 1));
                Cluster.await(() -> cluster.node(1).rooms().clusterCount(room) == 2, "presence over TLS");
            }
        }
    }

    static List<String> read(RawWebSocket ws, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
            if (f == null) {
                throw new AssertionError("got only " + got + ", expected " + n + " messages");
            }
            got.add(f.text());
        }
        assertNull(ws.readFrame(Duration.ofMillis(100)), () -> "nothing more after " + got);
        return got;
    }

    static Set<String> names(Map<Long, Map<String, String>> presence) {
        return presence.values().stream().map(i -> i.get("name")).collect(Collectors.toCollection(TreeSet::new));
    }
}
