package dev.sleet.rooms.redis;

import static dev.sleet.rooms.redis.RedisClusterBackplaneTest.channel;
import static dev.sleet.rooms.redis.RedisClusterBackplaneTest.read;
import static dev.sleet.rooms.redis.RedisClusterBackplaneTest.shardSubscribers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisCluster;
import dev.sleet.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults in a real Redis Cluster (three primaries, three replicas, node timeout 1 s) under two Sleet nodes with
 * real WebSocket clients: a room's primary killed mid-traffic while its replica takes over, and a whole shard
 * (primary and replica) gone and back. Local delivery never stops; subscriptions follow the topology by
 * themselves; every broadcast is delivered or counted ({@code lost} at the sender, {@code missed} at the
 * receiver); presence is right again after the shard is back.
 */
class RedisClusterFailoverTest {
    RedisCluster redis;
    Cluster cluster;
    final List<RawWebSocket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(RedisCluster.tools().isPresent(), RedisCluster.MISSING);
        redis = RedisCluster.start(3, 1, null);
        cluster = new Cluster("f:", 2, i -> RedisBackplane.builder(redis.uri()).presenceTtl(Duration.ofSeconds(1))
                .commandTimeout(Duration.ofSeconds(1)).topologyRefresh(Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() throws Exception {
        for (RawWebSocket c : clients) {
            c.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RawWebSocket join(int node, String room, String name) throws Exception {
        RawWebSocket ws = cluster.node(node).join(room, name);
        clients.add(ws);
        return ws;
    }

    private int slotOf(String room) throws Exception {
        return redis.slot(channel("f:", room));
    }

    /** A room whose slot is served by another primary than {@code room}'s. */
    private String roomOnAnotherShard(String room) throws Exception {
        RedisServer owner = redis.primaryOf(slotOf(room));
        for (int i = 0; i < 1000; i++) {
            if (redis.primaryOf(slotOf("calm-" + i)) != owner) {
                return "calm-" + i;
            }
        }
        throw new AssertionError("no room on another shard");
    }

    @Test
    void aPrimaryKilledMidTrafficIsReplacedAndEveryBroadcastIsDeliveredOrCounted() throws Exception {
        String room = "hot";
        RawWebSocket a = join(1, room, "a");
        RawWebSocket b = join(2, room, "b");
        String calm = roomOnAnotherShard(room);
        RawWebSocket c = join(1, calm, "c");
        RawWebSocket d = join(2, calm, "d");
        Cluster.await(() -> shardSubscribers(redis, "f:", room) == 2, "both nodes subscribed to " + room);
        Cluster.await(() -> shardSubscribers(redis, "f:", calm) == 2, "both nodes subscribed to " + calm);
        int slot = slotOf(room);
        RedisServer primary = redis.primaryOf(slot);
        Cluster.Node one = cluster.node(1);
        Cluster.Node two = cluster.node(2);

        int sent = 0;
        long receivedAtTakeover = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            one.rooms().broadcast(room, "m" + sent++);
            if (sent == 50) {
                primary.kill(); // SIGKILL, mid-traffic
            }
            RedisServer now = sent > 50 && receivedAtTakeover < 0 ? safePrimaryOf(slot) : null;
            if (now != null && now != primary) { // null while no live primary serves the slot (failing over)
                receivedAtTakeover = two.metric("received"); // a replica serves the slot now
            }
            if (receivedAtTakeover >= 0 && two.metric("received") >= receivedAtTakeover + 20) {
                break; // node 2 hears the room again, through the new primary
            }
            Thread.sleep(2);
        }
        assertTrue(receivedAtTakeover >= 0, "a replica took over the slot: " + redis.describe());
        assertTrue(two.metric("received") >= receivedAtTakeover + 20, "node 2 hears the room again: "
                + two.backplane().metrics());
        int total = sent;
        Cluster.await(() -> one.metric("queued") == 0 && one.metric("published") + one.metric("lost") == total,
                "node 1 to account for every broadcast");

        Set<String> gotB = new HashSet<>();
        RawWebSocket.Frame f;
        while ((f = b.readFrame(Duration.ofMillis(300))) != null) {
            assertTrue(gotB.add(f.text()), "delivered at most once: " + f.text());
        }
        int gotA = 0;
        while (a.readFrame(Duration.ofMillis(200)) != null) {
            gotA++;
        }
        assertEquals(sent, gotA, "local delivery never stopped");
        long numbered = sent - one.metric("lostDisconnected") - one.metric("lostQueueFull");
        long missed = two.metric("missed");
        assertEquals(numbered, gotB.size() + missed, "node 2: " + gotB.size() + " delivered + " + missed
                + " missed = " + numbered + " sent to Redis; node 1: " + one.backplane().metrics());
        assertTrue(missed + one.metric("lost") > 0, "the switch lost broadcasts, and they were counted");
        RedisServer promoted = redis.primaryOf(slot);
        assertNotEquals(primary, promoted);
        assertEquals(2L, ((List<?>) promoted.command("PUBSUB", "SHARDNUMSUB", channel("f:", room))).get(1),
                "both nodes resubscribed on the promoted replica");
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(() -> n.rooms().clusterCount(room) == 2, "presence of " + room + " right again on node "
                    + n.number());
        }
        c.sendText("all:calm after");
        assertEquals(List.of("calm after"), read(c, 1));
        assertEquals(List.of("calm after"), read(d, 1), "the other shards never stopped");
    }

    @Test
    void aWholeShardGoneAndBackResumesItsRoomsAndRewritesTheirPresence() throws Exception {
        String room = "gone";
        RawWebSocket a = join(1, room, "a");
        RawWebSocket b = join(2, room, "b");
        String calm = roomOnAnotherShard(room);
        RawWebSocket c = join(1, calm, "c");
        RawWebSocket d = join(2, calm, "d");
        Cluster.await(() -> shardSubscribers(redis, "f:", room) == 2, "both nodes subscribed to " + room);
        Cluster.await(() -> shardSubscribers(redis, "f:", calm) == 2, "both nodes subscribed to " + calm);
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(() -> n.rooms().clusterCount(room) == 2, "presence of " + room + " on node " + n.number());
        }
        int slot = slotOf(room);
        RedisServer primary = redis.primaryOf(slot);
        List<RedisServer> replicas = redis.replicasOf(primary);
        assertEquals(1, replicas.size());
        Cluster.Node one = cluster.node(1);
        long lostBefore = one.metric("lost");

        String other = null; // another room on the same shard, with a member on node 1 only
        for (int i = 0; other == null; i++) {
            if (redis.primaryOf(slotOf("same-" + i)) == primary) {
                other = "same-" + i;
            }
        }
        RawWebSocket x = join(1, other, "x");
        String otherRoom = other;
        Cluster.await(() -> shardSubscribers(redis, "f:", otherRoom) == 1, "node 1 subscribed to " + otherRoom);

        primary.kill();
        replicas.get(0).kill(); // the shard is gone: no replica to promote
        // A node whose default cluster connection was on the dead primary reconnects as a whole (an outage);
        // the other loses only its sharded pub/sub connection to that shard.
        Cluster.await(() -> cluster.nodes.stream().allMatch(n -> n.metric("shardDrops") + n.metric("outages") >= 1),
                "both nodes to notice the lost shard");
        a.sendText("all:while gone");
        assertEquals(List.of("while gone"), read(a, 1), "local members are served without the shard");
        Cluster.await(() -> one.metric("lost") > lostBefore, "the broadcast that could not reach the shard counted");
        // Node 1 has tried to place its subscriptions again (on a primary that refuses connections)...
        Cluster.await(() -> one.metric("subscriptionMoves") + one.metric("outages") >= 1, "node 1 to re-place");
        x.sendClose(1000, ""); // ...when its last member there leaves: it unsubscribes from a shard that is gone
        x.awaitEof(Duration.ofSeconds(5));
        Cluster.await(() -> one.metric("subscribedRooms") == 2, "node 1 to drop " + otherRoom);
        c.sendText("all:calm meanwhile");
        assertEquals(List.of("calm meanwhile"), read(c, 1));
        assertEquals(List.of("calm meanwhile"), read(d, 1), "rooms on the other shards still cross nodes");

        primary.restart(); // same port and node id (nodes.conf kept), no data
        replicas.get(0).restart();
        redis.awaitHealthy(Duration.ofSeconds(30));
        Cluster.await(() -> shardSubscribers(redis, "f:", room) == 2, "both nodes subscribed again on the shard");
        for (Cluster.Node n : cluster.nodes) {
            Cluster.await(() -> n.rooms().clusterCount(room) == 2, "presence of " + room
                    + " rewritten on the empty shard, seen from node " + n.number());
        }
        b.sendText("all:back");
        assertEquals(List.of("back"), read(a, 1));
        assertEquals(List.of("back"), read(b, 1));
        assertTrue(read(b, 0).isEmpty(), "b never heard the broadcast made while the shard was gone");
    }

    private RedisServer safePrimaryOf(int slot) {
        try {
            return redis.primaryOf(slot);
        } catch (Exception e) {
            return null;
        }
    }
}
