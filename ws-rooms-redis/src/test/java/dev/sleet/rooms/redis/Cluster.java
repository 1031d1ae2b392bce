package dev.sleet.rooms.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Several real Sleet nodes in one JVM, each a {@link WebSocketServer} with its own {@link Rooms} over its own
 * {@link RedisBackplane}, all on one real Redis. Clients connect to {@code /?room=R&name=N}, are told
 * {@code joined} once they are members, and send {@code all:TEXT} (broadcast) or {@code except:TEXT}
 * (broadcast to all but the sender).
 */
final class Cluster implements AutoCloseable {
    final RedisServer redis;
    final String prefix;
    final List<Node> nodes = new ArrayList<>();

    /** One node: server, rooms, backplane. */
    record Node(int number, RedisBackplane backplane, Rooms rooms, WebSocketServer server) {
        RawWebSocket join(String room, String name) throws Exception {
            RawWebSocket ws = RawWebSocket.connect(server.port(), "/?room=" + room + "&name=" + name, "");
            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(5));
            if (f == null || !"joined".equals(f.text())) {
                throw new AssertionError("expected 'joined', got " + f);
            }
            return ws;
        }

        long metric(String name) {
            return backplane.metrics().get(name);
        }

        Connection connectionNamed(String name) {
            return server.connections().stream()
                    .filter(c -> name.equals(c.state(String[].class)[1])).findFirst().orElseThrow();
        }
    }

    /** Nodes on a Redis Cluster (or any URI): {@link #redis} is null, the caller looks inside Redis itself. */
    Cluster(String prefix, int size, IntFunction<RedisBackplane.Builder> builders) throws Exception {
        this(null, prefix, size, builders);
    }

    Cluster(RedisServer redis, String prefix, int size, Duration presenceTtl) throws Exception {
        this(redis, prefix, size, i -> RedisBackplane.builder(redis.uri()).presenceTtl(presenceTtl));
    }

    /** Nodes whose backplanes start from {@code builders.apply(nodeNumber)}; prefix and node id are set here. */
    Cluster(RedisServer redis, String prefix, int size, IntFunction<RedisBackplane.Builder> builders)
            throws Exception {
        this.redis = redis;
        this.prefix = prefix;
        for (int i = 1; i <= size; i++) {
            RedisBackplane b = builders.apply(i).prefix(prefix).nodeId("node-" + i).build();
            assertTrue(b.awaitConnected(Duration.ofSeconds(10)), "node " + i + " connects: " + b.lastError());
            Rooms rooms = Rooms.builder().backplane(b).build();
            WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).nodeId(i)
                    .eventLoops(1).workers(1).handler(handler(rooms)).start();
            nodes.add(new Node(i, b, rooms, server));
        }
    }

    Node node(int number) {
        return nodes.get(number - 1);
    }

    static WebSocketHandler handler(Rooms rooms) {
        return new WebSocketHandler() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) {
                return ConnectDecision.accept(new String[] {request.queryParam("room").orElse("lobby"),
                        request.queryParam("name").orElse("?")});
            }

            @Override
            public void onOpen(Connection c) {
                String[] who = c.state(String[].class);
                rooms.join(c, who[0], Map.of("name", who[1]));
                c.send("joined");
            }

            @Override
            public void onMessage(Connection c, Message m) {
                String[] who = c.state(String[].class);
                String text = ((Message.Text) m).text();
                if (text.startsWith("all:")) {
                    rooms.broadcast(who[0], text.substring(4));
                } else if (text.startsWith("except:")) {
                    rooms.broadcastExcept(who[0], text.substring(7), c);
                }
            }
        };
    }

    /** Waits until {@code n} nodes are subscribed to {@code room}'s channel, as Redis itself counts them. */
    void awaitSubscribers(String room, long n) throws Exception {
        await(() -> subscribers(room) == n, "Redis to count " + n + " subscribers of " + room);
    }

    long subscribers(String room) {
        try {
            List<?> reply = (List<?>) redis.command("PUBSUB", "NUMSUB", prefix + "r:" + room);
            return (Long) reply.get(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Calls to PUBLISH that Redis has handled since it started. */
    long publishCalls() throws Exception {
        String stats = (String) redis.command("INFO", "commandstats");
        for (String line : stats.split("\r\n")) {
            if (line.startsWith("cmdstat_publish:calls=")) {
                return Long.parseLong(line.substring("cmdstat_publish:calls=".length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.server().close();
            n.rooms().close();
        }
    }
}
