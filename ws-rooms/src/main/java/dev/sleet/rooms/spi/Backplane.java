package dev.sleet.rooms.spi;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Carries broadcasts and presence between the nodes of a cluster so that {@code Rooms} keeps one API on one
 * node or many. {@code Rooms} serves its local members itself and calls the backplane only for what crosses
 * nodes:
 *
 * <ul>
 *   <li>{@link #publish} once per broadcast (never once per member);
 *   <li>{@link #subscribe}/{@link #unsubscribe} when a room gains its first / loses its last local member, so a
 *       node only hears rooms it has members in;
 *   <li>{@link #memberJoined}/{@link #memberLeft} for cluster-wide presence.
 * </ul>
 *
 * A backplane delivers remote broadcasts to the {@link Receiver} given to {@link #start}. Calls may come from
 * any thread and must not block on the network: queue and return.
 */
public interface Backplane extends AutoCloseable {

    /** This node's name, unique in the cluster. */
    String nodeId();

    /** Begins delivering remote broadcasts to {@code receiver}. Called once. */
    void start(Receiver receiver);

    /** Sends a local broadcast to the other nodes with members in its room. */
    void publish(RemoteBroadcast broadcast);

    /** This node now has members in {@code room}: start receiving its broadcasts. */
    void subscribe(String room);

    /** This node has no members left in {@code room}. */
    void unsubscribe(String room);

    /** A local member joined (for cluster-wide presence). */
    void memberJoined(String room, long connectionId, Map<String, String> info);

    /** A local member left. */
    void memberLeft(String room, long connectionId);

    /**
     * Members of {@code room} on every node with the information they joined with, by connection id, if this
     * backplane tracks presence; empty when it does not.
     */
    default Map<Long, Map<String, String>> clusterPresence(String room) {
        return Map.of();
    }

    /**
     * {@link #clusterPresence} without blocking the caller: a backplane that asks a remote store answers when the
     * answer arrives. The default answers at once with {@link #clusterPresence}.
     */
    default CompletionStage<Map<Long, Map<String, String>>> clusterPresenceAsync(String room) {
        return CompletableFuture.completedFuture(clusterPresence(room));
    }

    /** {@link #clusterCount} without blocking the caller; the default answers at once. */
    default CompletionStage<OptionalLong> clusterCountAsync(String room) {
        return CompletableFuture.completedFuture(clusterCount(room));
    }

    /** True when this backplane tracks presence across nodes (then an empty {@link #clusterPresence} is real). */
    default boolean tracksPresence() {
        return false;
    }

    /** Member count of {@code room} across the cluster, if known. */
    default OptionalLong clusterCount(String room) {
        return OptionalLong.empty();
    }

    /** Counters for monitoring (published, received, lost, reconnects...), by name. */
    default Map<String, Long> metrics() {
        return Map.of();
    }

    @Override
    default void close() {
    }

    /** Where a backplane delivers broadcasts that came from other nodes. */
    @FunctionalInterface
    interface Receiver {
        /** Hands {@code broadcast} to this node's members; called on the backplane's thread. */
        void deliver(RemoteBroadcast broadcast);
    }
}
