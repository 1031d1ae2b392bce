package dev.sleet.rooms.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.rooms.Rooms;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisServer;
import dev.sleet.testkit.TestCertificates;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a backplane is configured and what it does with what it did not expect: TLS with a password, wrong
 * credentials, prefixes that keep applications apart on one Redis, the ServiceLoader route through
 * {@code Rooms.builder().backplane(URI, nodeId)}, node-number leases, and foreign messages on its channels.
 */
class RedisBackplaneConfigurationTest {
    static RedisServer redis;

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

    @Test
    void tlsWithAPasswordCarriesBroadcastsBetweenNodes(@TempDir Path dir) throws Exception {
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost");
        try (RedisServer secure = RedisServer.startTls(cert.certificatePem(), cert.privateKeyPem(), "s3cret");
                Cluster cluster = new Cluster(secure, "tls:", 2,
                        i -> RedisBackplane.builder(secure.uri()).trustedCertificates(cert.certificatePem()))) {
            assertTrue(secure.uri().startsWith("rediss://:s3cret@"), secure.uri());
            try (RawWebSocket a = cluster.node(1).join("vault", "a"); RawWebSocket b = cluster.node(2).join("vault", "b")) {
                cluster.awaitSubscribers("vault", 2);
                a.sendText("all:over TLS");
                assertEquals("over TLS", a.readFrame(Duration.ofSeconds(5)).text());
                assertEquals("over TLS", b.readFrame(Duration.ofSeconds(5)).text());
                assertEquals(2, cluster.node(2).rooms().clusterCount("vault"));
            }
        }
    }

    @Test
    void wrongCredentialsAreReportedAndBroadcastsCountAsLost() throws Exception {
        try (RedisServer locked = RedisServer.start("right")) {
            RedisBackplane b = RedisBackplane.builder("redis://:wrong@127.0.0.1:" + locked.port()).nodeId("intruder")
                    .build();
            try (Rooms rooms = Rooms.builder().backplane(b).build()) {
                assertFalse(b.awaitConnected(Duration.ofSeconds(1)));
                Cluster.await(() -> b.lastError().isPresent(), "an error to be recorded");
                assertTrue(b.lastError().get().contains("WRONGPASS") || b.lastError().get().contains("NOAUTH"),
                        b.lastError().get());
                assertEquals(0, rooms.broadcast("r", "nobody hears this"));
                assertEquals(1L, rooms.metrics().get("backplane.lost"));
                assertEquals(0L, rooms.metrics().get("backplane.connected"));
                assertEquals(0L, rooms.metrics().get("backplane.published"));
            }
        }
    }

    @Test
    void prefixesKeepApplicationsApartOnOneRedis() throws Exception {
        try (Cluster appA = new Cluster(redis, "app-a:", 1, Duration.ofSeconds(5));
                Cluster appB = new Cluster(redis, "app-b:", 1, Duration.ofSeconds(5));
                RawWebSocket a = appA.node(1).join("lobby", "a"); RawWebSocket b = appB.node(1).join("lobby", "b")) {
            appA.awaitSubscribers("lobby", 1);
            appB.awaitSubscribers("lobby", 1);
            a.sendText("all:only app A");
            assertEquals("only app A", a.readFrame(Duration.ofSeconds(5)).text());
            assertNull(b.readFrame(Duration.ofMillis(300)), "the same room name in another app hears nothing");
            assertEquals(1, appA.node(1).rooms().clusterCount("lobby"));
            assertEquals(Set.of("b"), Set.copyOf(appB.node(1).rooms().presence("lobby").values().stream()
                    .map(i -> i.get("name")).toList()));
        }
    }

    @Test
    void roomsFindTheBackplaneByUriScheme() throws Exception {
        URI uri = URI.create(redis.uri() + "?prefix=svc:&presenceTtl=2s");
        try (Rooms rooms = Rooms.builder().backplane(uri, "svc-1").build()) {
            assertEquals("svc-1", rooms.nodeId());
            WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                    .handler(Cluster.handler(rooms)).start();
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/?room=r&name=x", "")) {
                assertEquals("joined", ws.readFrame(Duration.ofSeconds(5)).text());
                Cluster.await(() -> rooms.metrics().get("backplane.connected") == 1, "the backplane to connect");
                Cluster.await(() -> keys("svc:p:svc-1:r").size() == 1, "presence under the URI's prefix");
                long ttl = redis.number("PTTL", "svc:p:svc-1:r");
                assertTrue(ttl > 0 && ttl <= 2000, "the URI's presenceTtl applies: " + ttl);
            } finally {
                server.close();
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rooms.builder().backplane(URI.create("nats://localhost"), "x"));
        assertTrue(e.getMessage().contains("[redis, redis-cluster, rediss, rediss-cluster]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Rooms.builder().backplane(uri, "bad:id"));
    }

    @Test
    void nodeNumbersAreDistinctLeasedAndGivenBack() throws Exception {
        Set<Integer> numbers = new HashSet<>();
        RedisBackplane[] nodes = new RedisBackplane[3];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = RedisBackplane.builder(redis.uri()).prefix("lease:").presenceTtl(Duration.ofSeconds(3)).build();
            int n = nodes[i].claimNodeNumber(Duration.ofSeconds(10));
            assertTrue(n >= 1 && n <= 65535, "number " + n);
            assertEquals(n, nodes[i].claimNodeNumber(Duration.ofSeconds(1)), "a second claim returns the same");
            numbers.add(n);
        }
        assertEquals(3, numbers.size(), "distinct: " + numbers);
        int first = nodes[0].claimNodeNumber(Duration.ofSeconds(1));
        assertEquals(nodes[0].nodeId(), redis.command("GET", "lease:id:" + first));
        nodes[0].close();
        assertEquals(0, redis.number("EXISTS", "lease:id:" + first), "given back on close");
        int second = nodes[1].claimNodeNumber(Duration.ofSeconds(1));
        nodes[1].abandon();
        assertEquals(1, redis.number("EXISTS", "lease:id:" + second), "a crashed node's lease stays until it expires");
        assertTrue(redis.number("PTTL", "lease:id:" + second) > 0);
        nodes[2].close();
        RedisBackplane unreachable = RedisBackplane.builder("redis://127.0.0.1:" + RedisServer.freePort()).build();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> unreachable.claimNodeNumber(Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("could not claim"), e.getMessage());
        } finally {
            unreachable.close();
        }
    }

    @Test
    void foreignMessagesOnItsChannelAreCountedAndNotDelivered() throws Exception {
        try (Cluster cluster = new Cluster(redis, "foreign:", 1, Duration.ofSeconds(5));
                RawWebSocket ws = cluster.node(1).join("lobby", "a")) {
            cluster.awaitSubscribers("lobby", 1);
            assertEquals(1L, redis.number("PUBLISH", "foreign:r:lobby", "not a Sleet broadcast"));
            assertEquals(1L, redis.number("PUBLISH", "foreign:r:lobby", "S\u0001\u0000"));
            Cluster.await(() -> cluster.node(1).metric("malformed") == 2, "both to be counted");
            assertNull(ws.readFrame(Duration.ofMillis(200)), "nothing reaches the members");
            ws.sendText("all:still works");
            assertEquals("still works", ws.readFrame(Duration.ofSeconds(5)).text());
        }
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder("http://localhost"));
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder(redis.uri()).nodeId("has space"));
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder(redis.uri()).nodeId("x".repeat(65)));
        assertThrows(IllegalArgumentException.class,
                () -> RedisBackplane.builder(redis.uri()).presenceTtl(Duration.ofMillis(10)));
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder(redis.uri() + "?presenceTtl=soon"));
        try (RedisBackplane b = RedisBackplane.builder(redis.uri()).build()) {
            assertTrue(b.nodeId().matches("[A-Za-z0-9._-]{1,64}"), "a default node id: " + b.nodeId());
        }
    }

    private static List<?> keys(String pattern) {
        try {
            return (List<?>) redis.command("KEYS", pattern);
        } catch (Exception e) {
            return List.of();
        }
    }
}
