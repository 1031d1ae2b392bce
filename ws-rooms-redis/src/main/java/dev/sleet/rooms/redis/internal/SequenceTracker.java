package dev.sleet.rooms.redis.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What a receiver has seen of each other node's broadcasts to each room it listens to. A publisher numbers its
 * broadcasts per room ({@code seq} 1, 2, 3... within an {@code epoch} chosen at random when it starts), and
 * Redis keeps one publisher's messages in order, so a receiver can tell:
 *
 * <ul>
 *   <li>a gap: messages that Redis did not bring (this node was resubscribing, or the link dropped) — counted as
 *       missed when the next message arrives;
 *   <li>a repeat: a message already delivered — dropped, so delivery stays at most once.
 * </ul>
 *
 * State is kept only while this node is subscribed to the room ({@link #forget} on unsubscribe).
 */
public final class SequenceTracker {
    /** What to do with a message. */
    public enum Verdict { DELIVER, REPEAT }

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, long[]>> rooms = new ConcurrentHashMap<>();

    /**
     * Records {@code seq} from {@code origin} in {@code room}; returns the verdict and adds the size of any gap to
     * {@code gap[0]}.
     */
    public Verdict accept(String room, String origin, long epoch, long seq, long[] gap) {
        long[] last = rooms.computeIfAbsent(room, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(origin, k -> new long[] {epoch, seq - 1});
        synchronized (last) {
            if (last[0] != epoch) { // the origin restarted or renumbered: a new baseline
                last[0] = epoch;
                last[1] = seq;
                return Verdict.DELIVER;
            }
            if (seq <= last[1]) {
                return Verdict.REPEAT;
            }
            gap[0] += seq - last[1] - 1;
            last[1] = seq;
            return Verdict.DELIVER;
        }
    }

    public void forget(String room) {
        rooms.remove(room);
    }
}
