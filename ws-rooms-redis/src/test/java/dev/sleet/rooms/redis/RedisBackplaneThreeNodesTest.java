package dev.sleet.rooms.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three Sleet nodes sharing rooms through one real Redis, with real WebSocket clients on every node (ROOM-03,
 * ROOM-04 across nodes): every broadcast reaches every member on every node exactly once; counts and presence
 * span the cluster; {@code broadcastExcept} leaves out exactly one connection wherever it lives; a node only
 * subscribes to rooms it has members in; a node that dies without a word vanishes from presence; and Redis dying
 * and coming back mid-run neither stops local delivery nor, once it is back, cross-node delivery.
 */
class RedisBackplaneThreeNodesTest {
    static final AtomicInteger RUN = new AtomicInteger();
    static RedisServer redis;
    Cluster cluster;
    final List<RawWebSocket> clients = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        Assumptions.assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void startNodes() throws Exception {
        if (!redis.isAlive()) {
            redis.restart();
        }
        cluster = new Cluster(redis, "t" + RUN.incrementAndGet() + ":", 3, Duration.ofSeconds(1));
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (RawWebSocket c : clients) {
            c.close();
        }
        cluster.close();
    }

    private RawWebSocket join(int node, String room, String name) throws Exception {
        RawWebSocket ws = cluster.node(node).join(room, name);
        clients.add(ws);
        return ws;
    }

    /** Three members per node in {@code room}: name "n{node}m{i}". */
    private Map<String, RawWebSocket> spread(String room) throws Exception {
        Map<String, RawWebSocket> members = new HashMap<>();
        for (int node = 1; node <= 3; node++) {
            for (int i = 1; i <= 3; i++) {
                members.put("n" + node + "m" + i, join(node, room, "n" + node + "m" + i));
            }
        }
        cluster.awaitSubscribers(room, 3);
        return members;
    }

    /** Reads {@code n} text frames, then checks that nothing more arrives. */
    private static List<String> readExactly(RawWebSocket ws, int n) throws Exception {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
            if (f == null) {
                throw new AssertionError("got only " + got + ", expected " + n + " messages");
            }
            got.add(f.text());
        }
        assertNull(ws.readFrame(Duration.ofMillis(150)), () -> "nothing more after " + got);
        return got;
    }

    @Test
    void broadcastFromEachNodeReachesEveryMemberOnEveryNodeOnce() throws Exception {
        Map<String, RawWebSocket> members = spread("lobby");
        RawWebSocket bystander = join(3, "elsewhere", "bystander");
        long publishesBefore = cluster.publishCalls();
        for (int node = 1; node <= 3; node++) {
            members.get("n" + node + "m1").sendText("all:hello from " + node);
            // wait for this broadcast to land everywhere before the next, so each member's order is fixed
            for (RawWebSocket ws : members.values()) {
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
                assertEquals("hello from " + node, f == null ? null : f.text());
            }
        }
        for (Map.Entry<String, RawWebSocket> e : members.entrySet()) {
            assertNull(e.getValue().readFrame(Duration.ofMillis(100)), e.getKey() + " got a repeat");
        }
        assertNull(bystander.readFrame(Duration.ofMillis(100)), "another room hears nothing");
        assertEquals(3, cluster.publishCalls() - publishesBefore, "one PUBLISH per broadcast, not per member");
        for (Cluster.Node n : cluster.nodes) {
            assertEquals(1, n.metric("published"), "node " + n.number() + " published its one broadcast once");
            assertEquals(2, n.metric("received"), "node " + n.number() + " heard each other node's broadcast once");
            assertEquals(0, n.metric("lost"));
            assertEquals(0, n.metric("missed"));
        }
    }

    @Test
    void countsAndPresenceSpanTheCluster() throws Exception {
        Map<String, RawWebSocket> members = spread("lobby");
        Set<String> all = new TreeSet<>(members.keySet());
        // Presence reaches Redis from each node's backplane thread after the join (the SPI records intent): wait for
        // every node's writes to land, then every node must agree on the same nine members.
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(() -> n.rooms().clusterCount("lobby") == 9, "9 members seen from node " + n.number());
        }
        for (Cluster.Node n : cluster.nodes) {
            assertEquals(3, n.rooms().count("lobby"), "local count");
            assertEquals(9, n.rooms().clusterCount("lobby"), "cluster count on node " + n.number());
            assertEquals(all, names(n.rooms().presence("lobby")), "presence on node " + n.number());
            assertEquals(all, names(n.rooms().presenceAsync("lobby").toCompletableFuture().get()));
        }
        Map<Long, Map<String, String>> p = cluster.node(1).rooms().presence("lobby");
        assertEquals(9, p.size(), "connection ids are distinct across nodes: " + p.keySet());
        members.get("n2m2").close(); // drops without a close frame: the server notices, the member leaves
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(() -> n.rooms().clusterCount("lobby") == 8, "8 members seen from node " + n.number());
            Set<String> expected = new TreeSet<>(all);
            expected.remove("n2m2");
            assertEquals(expected, names(n.rooms().presence("lobby")));
        }
        assertEquals(0, cluster.node(1).rooms().clusterCount("empty-room"));
        assertTrue(cluster.node(1).rooms().presence("empty-room").isEmpty());
    }

    @Test
    void broadcastExceptLeavesOutExactlyOneConnectionWhereverItLives() throws Exception {
        Map<String, RawWebSocket> members = spread("lobby");
        members.get("n2m1").sendText("except:not to the sender");
        for (Map.Entry<String, RawWebSocket> e : members.entrySet()) {
            if (e.getKey().equals("n2m1")) {
                assertNull(e.getValue().readFrame(Duration.ofMillis(300)), "the sender is left out");
            } else {
                assertEquals(List.of("not to the sender"), readExactly(e.getValue(), 1), e.getKey());
            }
        }
        // From node 1, leave out a connection that lives on node 3.
        Connection onThree = cluster.node(3).connectionNamed("n3m2");
        assertEquals(3, cluster.node(1).rooms().broadcastExcept("lobby", "all but n3m2", onThree),
                "queued for node 1's three members");
        for (Map.Entry<String, RawWebSocket> e : members.entrySet()) {
            if (e.getKey().equals("n3m2")) {
                assertNull(e.getValue().readFrame(Duration.ofMillis(300)), "n3m2 is left out from another node");
            } else {
                assertEquals(List.of("all but n3m2"), readExactly(e.getValue(), 1), e.getKey());
            }
        }
    }

    @Test
    void onlyNodesWithMembersSubscribeAndEachHearsABroadcastOnce() throws Exception {
        RawWebSocket a = join(1, "quiet", "a");
        List<RawWebSocket> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(join(2, "quiet", "b" + i));
        }
        cluster.awaitSubscribers("quiet", 2); // nodes 1 and 2; node 3 has nobody there
        assertEquals(0, cluster.node(3).metric("subscribedRooms"));
        for (int i = 0; i < 5; i++) {
            a.sendText("all:m" + i);
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), readExactly(a, 5), "the sender is a member too");
        for (RawWebSocket ws : many) {
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), readExactly(ws, 5));
        }
        assertEquals(5, cluster.node(2).metric("received"), "six members, yet each broadcast crossed once");
        assertEquals(0, cluster.node(3).metric("received"), "node 3 has no members and heard nothing");

        for (RawWebSocket ws : many) {
            ws.sendClose(1000, "");
            ws.awaitEof(Duration.ofSeconds(5));
        }
        cluster.awaitSubscribers("quiet", 1); // node 2 unsubscribed after its last member left
        Cluster.await(() -> cluster.node(2).metric("subscribedRooms") == 0, "node 2 to drop the room");
        a.sendText("all:after");
        assertEquals(List.of("after"), readExactly(a, 1));
        assertEquals(5, cluster.node(2).metric("received"), "an unsubscribed node hears nothing more");
    }

    @Test
    void aNodeThatDiesWithoutCleanUpExpiresFromPresence() throws Exception {
        Map<String, RawWebSocket> members = spread("lobby");
        Cluster.Node three = cluster.node(3);
        three.backplane().abandon(); // what Redis sees of a crash: silence, no clean-up
        long writesAtDeath = three.metric("presenceWrites");
        three.server().close(); // its clients drop; a dead backplane writes nothing about it
        for (int i = 1; i <= 3; i++) {
            members.get("n3m" + i).awaitEof(Duration.ofSeconds(5));
        }
        Set<String> survivors = members.keySet().stream().filter(k -> !k.startsWith("n3"))
                .collect(Collectors.toCollection(TreeSet::new));
        for (int node = 1; node <= 2; node++) {
            Cluster.Node n = cluster.node(node);
            Cluster.await(() -> names(n.rooms().presence("lobby")).equals(survivors),
                    "node 3's members to expire from node " + node + "'s presence");
            assertEquals(6, n.rooms().clusterCount("lobby"));
        }
        assertEquals(writesAtDeath, three.metric("presenceWrites"), "node 3 wrote nothing after it died");
        // The survivors still talk to each other.
        members.get("n1m1").sendText("all:still here");
        for (String name : survivors) {
            assertEquals(List.of("still here"), readExactly(members.get(name), 1), name);
        }
    }

    @Test
    void redisDyingAndComingBackKeepsLocalDeliveryAndThenResumesCrossNode() throws Exception {
        Map<String, RawWebSocket> members = spread("lobby");
        long lostBefore = cluster.node(1).metric("lost");

        redis.kill();
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(() -> !n.backplane().isConnected(), "node " + n.number() + " to notice the outage");
        }
        members.get("n1m1").sendText("all:during the outage");
        for (int i = 1; i <= 3; i++) {
            assertEquals(List.of("during the outage"), readExactly(members.get("n1m" + i), 1),
                    "local members are served without Redis");
        }
        for (String name : members.keySet()) {
            if (!name.startsWith("n1")) {
                assertNull(members.get(name).readFrame(Duration.ofMillis(50)), name);
            }
        }
        assertEquals(lostBefore + 1, cluster.node(1).metric("lost"), "the broadcast that could not cross is counted");
        assertEquals(0, cluster.node(1).metric("connected"));
        assertTrue(cluster.node(1).backplane().lastError().isPresent());

        redis.restart(); // same port, empty: no subscriptions, no presence
        for (Cluster.Node n : cluster.nodes) {
            assertTrue(n.backplane().awaitConnected(Duration.ofSeconds(15)),
                    "node " + n.number() + " reconnects: " + n.backplane().lastError());
            assertTrue(n.metric("reconnects") >= 1);
            assertTrue(n.metric("outages") >= 1);
        }
        cluster.awaitSubscribers("lobby", 3);
        members.get("n2m3").sendText("all:after the outage");
        for (Map.Entry<String, RawWebSocket> e : members.entrySet()) {
            assertEquals(List.of("after the outage"), readExactly(e.getValue(), 1), e.getKey());
        }
        for (Cluster.Node n : cluster.nodes) {
            assertEquals(9, n.rooms().clusterCount("lobby"), "presence rewritten after the restart");
        }
    }

    private static Set<String> names(Map<Long, Map<String, String>> presence) {
        return presence.values().stream().map(i -> i.get("name")).collect(Collectors.toCollection(TreeSet::new));
    }
}
