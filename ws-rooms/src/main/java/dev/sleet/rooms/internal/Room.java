package dev.sleet.rooms.internal;

import dev.sleet.core.Connection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One room's local members, keyed by connection id. Joins and leaves change it under the owning map's per-key
 * lock; broadcasts iterate it without any lock (a weakly consistent view: a member that joins during a
 * broadcast may or may not receive it).
 */
public final class Room {
    final String name;
    final ConcurrentHashMap<Long, Member> members = new ConcurrentHashMap<>();

    /** A local member and the presence information it joined with. */
    public record Member(Connection connection, java.util.Map<String, String> info) {
    }

    Room(String name) {
        this.name = name;
    }

    public Iterable<Member> members() {
        return members.values();
    }

    public int size() {
        return members.size();
    }
}
