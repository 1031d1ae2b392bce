package dev.sleet.examples;

import dev.sleet.rooms.Rooms;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import dev.sleet.core.Connection;
import dev.sleet.core.PreparedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The chat's member list in a cluster, where a live {@code join}/{@code leave} can go missing: a node that
 * crashes sends no {@code leave} for its members; Redis pub/sub drops what is published while a node is cut off
 * from it; a room's first member on a node may read the list just before the node's subscription is confirmed.
 *
 * <p>So each node re-reads the presence of its rooms every few seconds ({@link #run}, one timer for the whole
 * node) and tells its own members about every member of another node that appeared or vanished since its
 * previous read — unless this node already relayed that member's live event (it watches the broadcasts that come
 * in through the backplane, {@link #wrap}). A change with no live event is told one round later than it was seen,
 * so that a live event still on its way (pub/sub and presence reads travel on different Redis connections) is
 * not repeated. In the normal case a member thus hears each join and leave exactly once; a repeat is possible
 * only when the two paths race (e.g. a newcomer whose list already had the member), and the page ignores
 * repeats (ids never come back).
 */
final class ClusterPresence {
    private static final byte[] JOIN = "{\"type\":\"join\",\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LEAVE = "{\"type\":\"leave\",\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    /** Rounds a record of a live event is kept: long enough to meet the read that shows its change. */
    private static final long KEEP_ROUNDS = 4;

    private final int localNode;
    private final BooleanSupplier connected;
    private final Map<String, RoomState> states = new ConcurrentHashMap<>();
    private volatile Rooms rooms;
    private volatile String nodeId;
    private volatile long round; // only the timer thread moves it

    /** What this node knows of one room; every field guarded by the object's lock. */
    private static final class RoomState {
        Set<Long> lastRead; // null until the room's first local member read the list
        final Map<Long, Long> liveJoins = new HashMap<>(); // id -> round when relayed
        final Map<Long, Long> liveLeaves = new HashMap<>();
        final Map<Long, String> pendingJoins = new HashMap<>(); // seen in a read with no live join yet: id -> name
        final List<Long> pendingLeaves = new ArrayList<>();
    }

    /**
     * @param localNode the server's node number (the top 16 bits of its connection ids): its own members' events
     *                  are always sent live, so they are left out
     * @param connected whether the backplane can read presence right now
     */
    ClusterPresence(int localNode, BooleanSupplier connected) {
        this.localNode = localNode;
        this.connected = connected;
    }

    /** {@code backplane}, watched: every chat join/leave that arrives from another node is recorded. */
    Backplane wrap(Backplane backplane) {
        nodeId = backplane.nodeId();
        return new Watched(backplane);
    }

    /** The rooms this node serves (built on the wrapped backplane). */
    void attach(Rooms rooms) {
        this.rooms = rooms;
    }

    /** The list a room's first local member was sent: the starting point of this node's reads. */
    void firstRead(String room, Set<Long> ids) {
        RoomState s = states.computeIfAbsent(room, k -> new RoomState());
        synchronized (s) {
            if (s.lastRead == null) {
                s.lastRead = Set.copyOf(ids);
            }
        }
    }

    /** The room's last local member left. */
    void roomEmpty(String room) {
        states.remove(room);
    }

    private void observe(RemoteBroadcast b) {
        if (!b.text() || b.originNode().equals(nodeId)) {
            return;
        }
        ByteBuffer p = b.payload().duplicate();
        boolean join = startsWith(p, JOIN);
        if (!join && !startsWith(p, LEAVE)) {
            return;
        }
        p.position(p.position() + (join ? JOIN : LEAVE).length);
        StringBuilder digits = new StringBuilder(20);
        while (p.hasRemaining() && digits.length() < 21) {
            char c = (char) p.get();
            if (c == '"') {
                break;
            }
            digits.append(c);
        }
        long id;
        try {
            id = Long.parseLong(digits.toString());
        } catch (NumberFormatException e) {
            return;
        }
        RoomState s = states.computeIfAbsent(b.room(), k -> new RoomState());
        synchronized (s) {
            (join ? s.liveJoins : s.liveLeaves).put(id, round);
        }
    }

    private static boolean startsWith(ByteBuffer p, byte[] prefix) {
        if (p.remaining() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (p.get(p.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** One round: re-reads every room with members here; skipped while presence cannot be read. */
    void run() {
        Rooms r = rooms;
        if (r == null || !connected.getAsBoolean()) {
            return;
        }
        long now = ++round;
        Set<String> local = r.rooms();
        states.keySet().retainAll(local);
        for (String room : local) {
            long failuresBefore = readFailures(r);
            r.presenceAsync(room).thenAccept(presence -> {
                if (!connected.getAsBoolean() || readFailures(r) != failuresBefore) {
                    return; // only this node's members came back: no reason to drop everyone else
                }
                RoomState s = states.get(room);
                if (s == null) {
                    return;
                }
                List<String> events;
                synchronized (s) {
                    events = compare(s, presence, now);
                }
                for (String e : events) {
                    PreparedMessage message = PreparedMessage.text(e);
                    for (Connection c : r.members(room)) {
                        c.send(message);
                    }
                }
            });
        }
    }

    /** The events to send for the read {@code presence}; updates {@code s}. */
    private List<String> compare(RoomState s, Map<Long, Map<String, String>> presence, long now) {
        List<String> events = new ArrayList<>();
        // Last round's changes that no live event has explained since: tell them now.
        for (Long id : s.pendingLeaves) {
            if (!s.liveLeaves.containsKey(id)) {
                events.add(ChatServer.memberEvent("leave", id, null));
            }
        }
        s.pendingJoins.forEach((id, name) -> {
            if (!s.liveJoins.containsKey(id) && !s.liveLeaves.containsKey(id) && presence.containsKey(id)) {
                events.add(ChatServer.memberEvent("join", id, name));
            }
        });
        s.pendingLeaves.clear();
        s.pendingJoins.clear();
        Set<Long> before = s.lastRead;
        s.lastRead = Set.copyOf(presence.keySet());
        if (before != null) {
            for (Long id : before) {
                if (!presence.containsKey(id) && remote(id) && !s.liveLeaves.containsKey(id)) {
                    s.pendingLeaves.add(id);
                }
            }
            presence.forEach((id, info) -> {
                if (!before.contains(id) && remote(id) && !s.liveJoins.containsKey(id)
                        && !s.liveLeaves.containsKey(id)) {
                    s.pendingJoins.put(id, info.getOrDefault("name", "?"));
                }
            });
        }
        s.liveJoins.values().removeIf(r -> now - r > KEEP_ROUNDS);
        s.liveLeaves.values().removeIf(r -> now - r > KEEP_ROUNDS);
        return events;
    }

    private boolean remote(long id) {
        return (id >>> 48) != localNode;
    }

    private static long readFailures(Rooms r) {
        return r.metrics().getOrDefault("backplane.presenceReadFailures", 0L);
    }

    /** The backplane, forwarding everything, with the broadcasts from other nodes shown to {@link #observe}. */
    private final class Watched implements Backplane {
        private final Backplane b;

        Watched(Backplane b) {
            this.b = b;
        }

        @Override
        public String nodeId() {
            return b.nodeId();
        }

        @Override
        public void start(Receiver receiver) {
            b.start(broadcast -> {
                try {
                    observe(broadcast);
                } finally {
                    receiver.deliver(broadcast);
                }
            });
        }

        @Override
        public void publish(RemoteBroadcast broadcast) {
            b.publish(broadcast);
        }

        @Override
        public void subscribe(String room) {
            b.subscribe(room);
        }

        @Override
        public void unsubscribe(String room) {
            b.unsubscribe(room);
        }

        @Override
        public void memberJoined(String room, long connectionId, Map<String, String> info) {
            b.memberJoined(room, connectionId, info);
        }

        @Override
        public void memberLeft(String room, long connectionId) {
            b.memberLeft(room, connectionId);
        }

        @Override
        public Map<Long, Map<String, String>> clusterPresence(String room) {
            return b.clusterPresence(room);
        }

        @Override
        public CompletionStage<Map<Long, Map<String, String>>> clusterPresenceAsync(String room) {
            return b.clusterPresenceAsync(room);
        }

        @Override
        public CompletionStage<OptionalLong> clusterCountAsync(String room) {
            return b.clusterCountAsync(room);
        }

        @Override
        public boolean tracksPresence() {
            return b.tracksPresence();
        }

        @Override
        public OptionalLong clusterCount(String room) {
            return b.clusterCount(room);
        }

        @Override
        public Map<String, Long> metrics() {
            return b.metrics();
        }

        @Override
        public void close() {
            b.close();
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
