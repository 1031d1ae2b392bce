package dev.sleet.rooms;

import dev.sleet.rooms.internal.LocalBackplane;
import dev.sleet.rooms.internal.RoomRegistry;
import dev.sleet.rooms.spi.Backplane;
import dev.sleet.rooms.spi.BackplaneProvider;
import dev.sleet.rooms.spi.RemoteBroadcast;
import dev.sleet.core.Connection;
import dev.sleet.core.PreparedMessage;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Named groups of connections with broadcast. Safe to use from any thread: handlers, other actors,
 * timers. A connection leaves all its rooms when it ends, whatever ended it, and a room with no members
 * disappears.
 *
 * <p>A broadcast is encoded once and the same read-only frame bytes are queued for every member, so fan-out
 * costs one queue offer per member. Each member's slow-consumer policy applies to that member alone.
 *
 * <p>With a {@link Backplane} (e.g. Redis, from {@code ws-rooms-redis}) the same calls span several nodes: a
 * broadcast is served locally and crosses to each other node with members in the room once.
 *
 * <pre>{@code
 * Rooms rooms = Rooms.create();
 * // in a handler:
 * rooms.join(connection, "lobby");
 * rooms.broadcastExcept("lobby", "ann: hello", connection);
 * }</pre>
 */
public final class Rooms implements AutoCloseable {
    private final RoomRegistry registry;

    private Rooms(Backplane backplane) {
        this.registry = new RoomRegistry(backplane);
    }

    /** Single-node rooms. */
    public static Rooms create() {
        return builder().build();
    }

    /** A builder, to give rooms a backplane. */
    public static Builder builder() {
        return new Builder();
    }

    /** Adds {@code connection} to {@code room}. False if it was already there or has closed. */
    public boolean join(Connection connection, String room) {
        return join(connection, room, Map.of());
    }

    /**
     * Adds {@code connection} to {@code room} with presence information (e.g. a display name) that
     * {@link #presence(String)} reports, on this node and — with a backplane — on every node.
     */
    public boolean join(Connection connection, String room, Map<String, String> info) {
        return registry.join(Objects.requireNonNull(connection, "connection"), checkName(room), Map.copyOf(info));
    }

    /** Removes {@code connection} from {@code room}. False if it was not a member. */
    public boolean leave(Connection connection, String room) {
        return registry.leave(Objects.requireNonNull(connection, "connection"), checkName(room));
    }

    /** Removes {@code connection} from every room (done for you when it ends). */
    public void leaveAll(Connection connection) {
        registry.leaveAll(connection);
    }

    /** Sends text to every member; returns how many local members it was queued for. */
    public int broadcast(String room, String text) {
        return registry.broadcast(checkName(room), PreparedMessage.text(text), RemoteBroadcast.NOBODY, true);
    }

    /** Sends binary data (copied once) to every member. */
    public int broadcast(String room, ByteBuffer data) {
        return registry.broadcast(checkName(room), PreparedMessage.binary(data), RemoteBroadcast.NOBODY, true);
    }

    /** Sends binary data (copied once) to every member. */
    public int broadcast(String room, byte[] data) {
        return broadcast(room, ByteBuffer.wrap(data));
    }

    /** Sends an already prepared message to every member. */
    public int broadcast(String room, PreparedMessage message) {
        return registry.broadcast(checkName(room), message, RemoteBroadcast.NOBODY, true);
    }

    /** Sends text to every member but {@code except}, wherever in the cluster it is. */
    public int broadcastExcept(String room, String text, Connection except) {
        return registry.broadcast(checkName(room), PreparedMessage.text(text), except.id(), true);
    }

    /** Sends binary data to every member but {@code except}. */
    public int broadcastExcept(String room, ByteBuffer data, Connection except) {
        return registry.broadcast(checkName(room), PreparedMessage.binary(data), except.id(), true);
    }

    /** Sends a prepared message to every member but {@code except}. */
    public int broadcastExcept(String room, PreparedMessage message, Connection except) {
        return registry.broadcast(checkName(room), message, except.id(), true);
    }

    /** This node's members of {@code room} (a snapshot). */
    public Set<Connection> members(String room) {
        return registry.members(room);
    }

    /** This node's member count of {@code room}. */
    public int count(String room) {
        return registry.count(room);
    }

    /**
     * Members of {@code room} with the information they joined with, by connection id: across the cluster when
     * the backplane tracks presence, else this node's. With a remote store this waits for it (up to the
     * backplane's command timeout); event loops and other code that must not wait use {@link #presenceAsync}.
     */
    public Map<Long, Map<String, String>> presence(String room) {
        Backplane b = registry.backplane();
        return b.tracksPresence() ? b.clusterPresence(room) : registry.presence(room);
    }

    /**
     * {@link #presence(String)} without blocking: with a backplane that keeps presence in a remote store (Redis),
     * the stage completes when the answer arrives. Completes on a backplane thread; keep the callback short.
     */
    public CompletionStage<Map<Long, Map<String, String>>> presenceAsync(String room) {
        Backplane b = registry.backplane();
        return b.tracksPresence() ? b.clusterPresenceAsync(room)
                : CompletableFuture.completedFuture(registry.presence(room));
    }

    /**
     * Member count of {@code room} across the cluster (this node's count without a backplane, or when the
     * backplane cannot tell). May wait for the backplane's store, up to its command timeout.
     */
    public long clusterCount(String room) {
        return registry.backplane().clusterCount(room).orElse(registry.count(room));
    }

    /** {@link #clusterCount(String)} without blocking. */
    public CompletionStage<Long> clusterCountAsync(String room) {
        return registry.backplane().clusterCountAsync(room).thenApply(n -> n.orElse(registry.count(room)));
    }

    /** The rooms {@code connection} is in. */
    public Set<String> roomsOf(Connection connection) {
        return registry.roomsOf(connection);
    }

    /** Every room with at least one local member. */
    public Set<String> rooms() {
        return registry.rooms();
    }

    /**
     * Subscribes to local joins and leaves (presence). The listener runs on the thread that changed membership
     * and must be short. Close the returned handle to unsubscribe.
     */
    public AutoCloseable onPresence(PresenceListener listener) {
        return registry.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Counters: broadcasts, deliveries, undelivered, remoteBroadcasts, rooms, connections, plus the backplane's. */
    public Map<String, Long> metrics() {
        Map<String, Long> m = new java.util.TreeMap<>(registry.metrics());
        registry.backplane().metrics().forEach((k, v) -> m.put("backplane." + k, v));
        return m;
    }

    /** This node's id on the backplane. */
    public String nodeId() {
        return registry.backplane().nodeId();
    }

    /** Closes the backplane. Local membership stays as it is. */
    @Override
    public void close() {
        registry.backplane().close();
    }

    private static String checkName(String room) {
        Objects.requireNonNull(room, "room");
        if (room.isEmpty()) {
            throw new IllegalArgumentException("a room needs a name");
        }
        return room;
    }

    /** Builds {@link Rooms}. */
    public static final class Builder {
        private Backplane backplane;

        private Builder() {
        }

        /** Carries broadcasts and presence between nodes through {@code backplane}. */
        public Builder backplane(Backplane backplane) {
            this.backplane = Objects.requireNonNull(backplane, "backplane");
            return this;
        }

        /**
         * A backplane from an installed provider chosen by the URI's scheme (e.g. {@code redis://host:6379}).
         *
         * @throws IllegalArgumentException listing the schemes available when none matches
         */
        public Builder backplane(URI uri, String nodeId) {
            List<BackplaneProvider> providers = new ArrayList<>();
            ServiceLoader.load(BackplaneProvider.class, Rooms.class.getClassLoader()).forEach(providers::add);
            for (BackplaneProvider p : providers) {
                if (p.schemes().contains(uri.getScheme())) {
                    return backplane(p.create(uri, nodeId));
                }
            }
            throw new IllegalArgumentException("no backplane for '" + uri.getScheme() + "'; installed schemes: "
                    + providers.stream().flatMap(p -> p.schemes().stream()).sorted().toList());
        }

        /** The rooms, started with their backplane (a local one when none was given). */
        public Rooms build() {
            return new Rooms(backplane != null ? backplane : new LocalBackplane("local-" + UUID.randomUUID()));
        }
    }
}
