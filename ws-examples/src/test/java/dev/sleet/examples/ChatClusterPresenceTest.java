package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The cluster member list without Redis: a backplane stand-in whose "other node" the test drives — live events
 * relayed through it, and presence changes that no event announced (a crashed node, a dropped publish). Each
 * {@link ClusterPresence#run} round is called by the test, so nothing here depends on time.
 */
class ChatClusterPresenceTest {
    private static final long OTHER = 7L << 48; // connection ids of node 7

    /** One "remote" node's presence, set by the test, plus this node's members as Rooms reports them. */
    static final class FakeBackplane implements Backplane {
        final Map<Long, Map<String, String>> remote = new ConcurrentHashMap<>();
        final Map<Long, Map<String, String>> local = new ConcurrentHashMap<>();
        volatile Receiver receiver;

        @Override
        public String nodeId() {
            return "fake-a";
        }

        @Override
        public void start(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void publish(RemoteBroadcast broadcast) {
        }

        @Override
        public void subscribe(String room) {
        }

        @Override
        public void unsubscribe(String room) {
        }

        @Override
        public void memberJoined(String room, long connectionId, Map<String, String> info) {
            local.put(connectionId, info);
        }

        @Override
        public void memberLeft(String room, long connectionId) {
            local.remove(connectionId);
        }

        @Override
        public boolean tracksPresence() {
            return true;
        }

        @Override
        public Map<Long, Map<String, String>> clusterPresence(String room) {
            Map<Long, Map<String, String>> all = new ConcurrentHashMap<>(remote);
            all.putAll(local);
            return all;
        }

        @Override
        public CompletionStage<Map<Long, Map<String, String>>> clusterPresenceAsync(String room) {
            return CompletableFuture.completedFuture(clusterPresence(room));
        }

        /** An event from the other node, as the backplane would relay it. */
        void live(String event) {
            receiver.deliver(new RemoteBroadcast("lobby", true,
                    ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)), RemoteBroadcast.NOBODY, "fake-b"));
        }
    }

    @Test
    void theReReadTellsWhatNoLiveEventToldOnceAndOneRoundLate() throws Exception {
        FakeBackplane fake = new FakeBackplane();
        ClusterPresence cluster = new ClusterPresence(0, () -> true);
        fake.remote.put(OTHER | 1, Map.of("name", "rita"));
        try (Rooms rooms = Rooms.builder().backplane(cluster.wrap(fake)).build()) {
            cluster.attach(rooms);
            ChatServer.Chat chat = new ChatServer.Chat(rooms, ChatServer.Settings.defaults(), "127.0.0.1", false,
                    cluster);
            try (WebSocketServer server = ChatServer.builder(chat, "127.0.0.1", 0, null, null).start();
                    RawWebSocket ann = RawWebSocket.connect(server.port(), "/chat?room=lobby&name=ann", "")) {
                assertEquals(List.of("ann", "rita"),
                        ChatServerTest.memberNames(ChatServerTest.until(ann, "\"type\":\"members\"")));

                // remo joins live; rita's node crashes (no leave); mia's join is lost on the way.
                fake.remote.put(OTHER | 2, Map.of("name", "remo"));
                fake.live(ChatServer.memberEvent("join", OTHER | 2, "remo"));
                fake.remote.remove(OTHER | 1);
                fake.remote.put(OTHER | 3, Map.of("name", "mia"));
                cluster.run(); // sees the changes, waits a round for live events still on their way
                assertEquals(List.of(ChatServer.memberEvent("join", OTHER | 2, "remo")), deltasUntilEcho(ann, "one"));

                cluster.run(); // no live event came: now it tells
                assertEquals(List.of(ChatServer.memberEvent("leave", OTHER | 1, null),
                        ChatServer.memberEvent("join", OTHER | 3, "mia")), deltasUntilEcho(ann, "two"));

                // remo leaves live: told once, never again by the re-reads.
                fake.remote.remove(OTHER | 2);
                fake.live(ChatServer.memberEvent("leave", OTHER | 2, "remo"));
                cluster.run();
                cluster.run();
                cluster.run();
                assertEquals(List.of(ChatServer.memberEvent("leave", OTHER | 2, "remo")),
                        deltasUntilEcho(ann, "three"));

                // A join that is seen in a read before its live event arrives is not repeated either.
                fake.remote.put(OTHER | 4, Map.of("name", "late"));
                cluster.run();
                fake.live(ChatServer.memberEvent("join", OTHER | 4, "late"));
                cluster.run();
                cluster.run();
                assertEquals(List.of(ChatServer.memberEvent("join", OTHER | 4, "late")),
                        deltasUntilEcho(ann, "four"));
            }
        }
    }

    /** Sends {@code marker} and returns the join/leave events that arrive before its echo. */
    private static List<String> deltasUntilEcho(RawWebSocket ws, String marker) throws Exception {
        ws.sendText(marker);
        return ChatServerTest.readUntil(ws, "\"text\":\"" + marker + "\"").stream()
                .filter(t -> t.startsWith("{\"type\":\"join\"") || t.startsWith("{\"type\":\"leave\"")).toList();
    }
}
