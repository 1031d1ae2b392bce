package dev.sleet.actor.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * One actor's links and monitors, created the first time it has any. Each peer maps to a set of kind bits.
 * Guarded by its own monitor; no code path holds two of them at once, so there is no lock ordering to get
 * wrong. Once {@link #dead} is set, nothing more is added: the dying actor has taken its snapshot.
 */
final class Relations {

    /** The peer watches this actor: tell it {@code Terminated} when this actor stops. */
    static final int WATCHED_BY = 0b001;
    /** This actor watches the peer (kept so that the watch can be undone and cleaned up). */
    static final int WATCHING = 0b010;
    /** Linked both ways: the peer hears of this actor's exit and this actor of the peer's. */
    static final int LINKED = 0b100;

    /** Shared holder of actors that died before they had any relation. */
    static final Relations DEAD = new Relations(true);

    private final HashMap<ActorCell<?>, Integer> peers;
    private boolean dead;

    Relations() {
        this(false);
    }

    private Relations(boolean dead) {
        this.dead = dead;
        this.peers = dead ? null : new HashMap<>(4);
    }

    /** @return {@code false} if the owner is dead and nothing was added */
    synchronized boolean add(ActorCell<?> peer, int kind) {
        if (dead) {
            return false;
        }
        peers.merge(peer, kind, (a, b) -> a | b);
        return true;
    }

    /** @return whether the relation existed (and is now gone) */
    synchronized boolean remove(ActorCell<?> peer, int kind) {
        if (dead) {
            return false;
        }
        Integer kinds = peers.get(peer);
        if (kinds == null || (kinds & kind) == 0) {
            return false;
        }
        int left = kinds & ~kind;
        if (left == 0) {
            peers.remove(peer);
        } else {
            peers.put(peer, left);
        }
        return true;
    }

    synchronized boolean has(ActorCell<?> peer, int kind) {
        if (dead) {
            return false;
        }
        Integer kinds = peers.get(peer);
        return kinds != null && (kinds & kind) != 0;
    }

    /** Peers that watch the owner, for restart notices. */
    synchronized ActorCell<?>[] watchers() {
        if (dead) {
            return new ActorCell<?>[0];
        }
        return peers.entrySet().stream()
                .filter(e -> (e.getValue() & WATCHED_BY) != 0)
                .map(Map.Entry::getKey)
                .toArray(ActorCell<?>[]::new);
    }

    /** Marks the owner dead and hands over every relation it had. */
    synchronized Map<ActorCell<?>, Integer> close() {
        if (dead) {
            return Map.of();
        }
        dead = true;
        return peers;
    }
}
