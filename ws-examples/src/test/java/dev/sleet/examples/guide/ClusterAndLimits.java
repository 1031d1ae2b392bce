package dev.sleet.examples.guide;

import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.redis.RedisBackplane;
import dev.sleet.core.OverflowPolicy;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.time.Duration;

final class Cluster {
    private Cluster() {
    }

    /** A node, and what it must close when it stops. */
    record Node(WebSocketServer server, Rooms rooms, RedisBackplane redis) implements AutoCloseable {
        @Override public void close() {
            server.close();
            rooms.close();
            redis.close();
        }
    }

    // guide:redis
    static Node startNode(int port, String redisUri) throws Exception {
        RedisBackplane redis = RedisBackplane.builder(redisUri).build();   // redis://, or rediss:// for TLS
        int nodeNumber = redis.claimNodeNumber(Duration.ofSeconds(5));     // unique connection ids in the cluster
        Rooms rooms = Rooms.builder().backplane(redis).build();
        WebSocketServer server = WebSocketServer.builder()
                .port(port)
                .nodeId(nodeNumber)
                .route("/rooms/{room}", new ChatRooms(rooms))
                .start();
        return new Node(server, rooms, redis);
    }
    // end:redis
}

final class Limits {
    private Limits() {
    }

    // guide:limits
    static WebSocketServer start(int port, WebSocketHandler handler) throws Exception {
        return WebSocketServer.builder()
                .port(port)
                .maxMessageSize(64 * 1024)                 // a bigger message: close 1009
                .maxConnections(20_000)                    // beyond: 503 (a TCP drop on TLS)
                .maxConnectionsPerAddress(100)             // from one IP address: the same
                .idleTimeout(Duration.ofMinutes(10))       // nothing received: close 1001
                .pingInterval(Duration.ofSeconds(20))      // quiet for 20 s: a ping...
                .pongTimeout(Duration.ofSeconds(10))       // ...unanswered for 10 s: close 1001
                .maxQueuedBytes(1 << 20)                   // a reader that cannot keep up...
                .overflowPolicy(OverflowPolicy.CLOSE)      // ...is closed with 1008 (or DROP: sends return DROPPED)
                .handler(handler)
                .start();
    }
    // end:limits
}
