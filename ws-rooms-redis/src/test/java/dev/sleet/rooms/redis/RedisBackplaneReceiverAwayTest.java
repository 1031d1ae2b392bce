package dev.sleet.rooms.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A node whose subscription connection is cut while Redis stays up (here by {@code CLIENT KILL}, as a network
 * blip or a proxy would): Redis pub/sub keeps nothing for it, so the broadcasts made meanwhile never reach it.
 * They must not vanish without a trace: the node reconnects by itself, and the per-room sequence numbers let it
 * count exactly what it missed, so that every broadcast is either delivered or counted.
 */
class RedisBackplaneReceiverAwayTest {

    @Test
    void everyBroadcastIsDeliveredOrCountedAsMissed() throws Exception {
        Assumptions.assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        try (RedisServer redis = RedisServer.start();
                Cluster cluster = new Cluster(redis, "away:", 2, Duration.ofSeconds(5));
                RawWebSocket a = cluster.node(1).join("lobby", "a");
                RawWebSocket b = cluster.node(2).join("lobby", "b")) {
            cluster.awaitSubscribers("lobby", 2);
            long subscriberId = clientId(redis, "sleet-node-2-sub");

            int sent = 0;
            boolean killed = false;
            int afterReconnect = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (afterReconnect < 20 && System.nanoTime() < deadline) {
                cluster.node(1).rooms().broadcast("lobby", "m" + sent++);
                if (sent == 20) {
                    assertEquals(1L, redis.command("CLIENT", "KILL", "ID", Long.toString(subscriberId)), "one client killed");
                    killed = true;
                }
                if (killed && cluster.node(2).metric("reconnects") >= 1 && cluster.subscribers("lobby") == 2) {
                    afterReconnect++;
                }
                Thread.sleep(2);
            }
            assertTrue(afterReconnect >= 20, "node 2 came back and heard broadcasts again");

            Set<String> gotB = new HashSet<>();
            RawWebSocket.Frame f;
            while ((f = b.readFrame(Duration.ofMillis(500))) != null) {
                assertTrue(gotB.add(f.text()), "delivered once: " + f.text());
            }
            long missed = cluster.node(2).metric("missed");
            assertTrue(missed > 0, "some broadcasts fell into the gap (the reconnect waits at least 50 ms)");
            assertEquals(sent, gotB.size() + missed, "node 2: " + gotB.size() + " delivered + " + missed
                    + " missed = all " + sent + " sent");
            assertEquals(0, cluster.node(1).metric("lost"), "the sender never lost its own link");
            assertEquals(sent, cluster.node(1).metric("published"));
            int gotA = 0;
            while (a.readFrame(Duration.ofMillis(200)) != null) {
                gotA++;
            }
            assertEquals(sent, gotA, "the sender's local member got everything");
        }
    }

    /** The id of the client named {@code name} in CLIENT LIST. */
    private static long clientId(RedisServer redis, String name) throws Exception {
        for (String line : ((String) redis.command("CLIENT", "LIST")).split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                for (String field : line.split(" ")) {
                    if (field.startsWith("id=")) {
                        return Long.parseLong(field.substring(3));
                    }
                }
            }
        }
        throw new AssertionError("no client named " + name + " in " + List.of(redis.command("CLIENT", "LIST")));
    }
}
