package dev.sleet.rooms.internal;

import dev.sleet.rooms.PresenceListener;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.RemoteBroadcast;
import dev.sleet.core.Connection;
import dev.sleet.core.PreparedMessage;
import dev.sleet.core.SendResult;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Membership in both directions — room to members and connection to rooms — kept consistent without a global
 * lock. Every change to one room happens inside {@link ConcurrentHashMap#compute} on that room's key,
 * so joins and leaves of one room are ordered with each other (and with the backplane's subscribe/unsubscribe
 * calls for it) while other rooms and all broadcasts go on in parallel.
 *
 * <p>No ghost members: the first join of a connection hooks its {@code closeFuture()}; the hook
 * removes the connection's room set <em>atomically</em> and then leaves each room in it. A join that races with
 * the end either lands in that set (and is undone by the hook) or finds the set gone, makes a new one and
 * hooks again — on a future that is already complete, so the clean-up runs at once.
 */
public final class RoomRegistry {
    private static final System.Logger LOG = System.getLogger(RoomRegistry.class.getName());

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Set<String>> roomsByConnection = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<PresenceListener> listeners = new CopyOnWriteArrayList<>();
    private final Backplane backplane;

    private final LongAdder broadcasts = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder undelivered = new LongAdder();
    private final LongAdder remoteBroadcasts = new LongAdder();

    public RoomRegistry(Backplane backplane) {
        this.backplane = backplane;
        backplane.start(this::deliverRemote);
    }

    public boolean join(Connection c, String room, Map<String, String> info) {
        if (!c.isOpen()) {
            return false;
        }
        long id = c.id();
        boolean[] added = new boolean[1];
        int[] size = new int[1];
        rooms.compute(room, (k, r) -> {
            if (r == null) {
                r = new Room(k);
                backplane.subscribe(k); // first local member: start hearing this room
            }
            added[0] = r.members.putIfAbsent(id, new Room.Member(c, info)) == null;
            if (added[0]) {
                backplane.memberJoined(k, id, info);
            }
            size[0] = r.members.size();
            return r;
        });
        if (!added[0]) {
            return false;
        }
        boolean[] firstRoom = new boolean[1];
        roomsByConnection.compute(id, (k, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet();
                firstRoom[0] = true;
            }
            set.add(room);
            return set;
        });
        fire(true, room, c, size[0]);
        if (firstRoom[0]) {
            c.closeFuture().whenComplete((status, error) -> leaveAll(c));
        }
        return true;
    }

    public boolean leave(Connection c, String room) {
        boolean removed = leaveRoom(c, room);
        if (removed) {
            Set<String> set = roomsByConnection.get(c.id());
            if (set != null) {
                set.remove(room); // the (possibly empty) set stays until the connection ends: one hook per connection
            }
        }
        return removed;
    }

    /** Leaves every room; runs when a connection ends, whatever the cause. */
    public void leaveAll(Connection c) {
        Set<String> set = roomsByConnection.remove(c.id());
        if (set == null) {
            return;
        }
        for (String room : set) {
            leaveRoom(c, room);
        }
    }

    private boolean leaveRoom(Connection c, String room) {
        long id = c.id();
        boolean[] removed = new boolean[1];
        int[] size = new int[1];
        rooms.computeIfPresent(room, (k, r) -> {
            removed[0] = r.members.remove(id) != null;
            if (removed[0]) {
                backplane.memberLeft(k, id);
            }
            size[0] = r.members.size();
            if (r.members.isEmpty()) {
                backplane.unsubscribe(k); // last local member gone: the room disappears here
                return null;
            }
            return r;
        });
        if (removed[0]) {
            fire(false, room, c, size[0]);
        }
        return removed[0];
    }

    /**
     * Queues {@code message} for every local member but {@code exceptId}, and publishes it once to the backplane
     * when {@code publish}. Returns the number of members it was queued for.
     */
    public int broadcast(String room, PreparedMessage message, long exceptId, boolean publish) {
        broadcasts.increment();
        int queued = deliverLocal(room, message, exceptId);
        if (publish) {
            backplane.publish(new RemoteBroadcast(room, message.isText(), message.payload(), exceptId,
                    backplane.nodeId()));
        }
        return queued;
    }

    private int deliverLocal(String room, PreparedMessage message, long exceptId) {
        Room r = rooms.get(room);
        if (r == null) {
            return 0;
        }
        int queued = 0;
        int missed = 0;
        for (Room.Member m : r.members.values()) {
            Connection member = m.connection();
            if (member.id() == exceptId) {
                continue;
            }
            if (member.send(message) == SendResult.ENQUEUED) {
                queued++;
            } else {
                missed++; // that member's own slow-consumer policy applied, or it is closing
            }
        }
        deliveries.add(queued);
        undelivered.add(missed);
        return queued;
    }

    /** A broadcast from another node: encode once here, then fan out locally. */
    private void deliverRemote(RemoteBroadcast b) {
        if (b.originNode().equals(backplane.nodeId())) {
            return;
        }
        remoteBroadcasts.increment();
        PreparedMessage message = b.text()
                ? PreparedMessage.text(StandardCharsets.UTF_8.decode(b.payload().duplicate()))
                : PreparedMessage.binary(b.payload());
        deliverLocal(b.room(), message, b.exceptId());
    }

    public Set<Connection> members(String room) {
        Room r = rooms.get(room);
        if (r == null) {
            return Set.of();
        }
        Set<Connection> out = new java.util.HashSet<>();
        r.members.values().forEach(m -> out.add(m.connection()));
        return Collections.unmodifiableSet(out);
    }

    /** Local members of {@code room} with their presence information, by connection id. */
    public Map<Long, Map<String, String>> presence(String room) {
        Room r = rooms.get(room);
        if (r == null) {
            return Map.of();
        }
        Map<Long, Map<String, String>> out = new java.util.HashMap<>();
        r.members.forEach((id, m) -> out.put(id, m.info()));
        return Collections.unmodifiableMap(out);
    }

    public int count(String room) {
        Room r = rooms.get(room);
        return r == null ? 0 : r.members.size();
    }

    public Set<String> roomsOf(Connection c) {
        Set<String> set = roomsByConnection.get(c.id());
        return set == null ? Set.of() : Set.copyOf(set);
    }

    public Set<String> rooms() {
        return Collections.unmodifiableSet(Set.copyOf(rooms.keySet()));
    }

    public Backplane backplane() {
        return backplane;
    }

    public AutoCloseable addListener(PresenceListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void fire(boolean joined, String room, Connection c, int size) {
        for (PresenceListener l : listeners) {
            try {
                if (joined) {
                    l.joined(room, c, size);
                } else {
                    l.left(room, c, size);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "presence listener failed", e);
            }
        }
    }

    public Map<String, Long> metrics() {
        return Map.of("broadcasts", broadcasts.sum(), "deliveries", deliveries.sum(),
                "undelivered", undelivered.sum(), "remoteBroadcasts", remoteBroadcasts.sum(),
                "rooms", (long) rooms.size(), "connections", (long) roomsByConnection.size());
    }
}
