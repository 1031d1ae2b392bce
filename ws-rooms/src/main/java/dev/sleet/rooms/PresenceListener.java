package dev.sleet.rooms;

import dev.sleet.core.Connection;

/**
 * Hears local joins and leaves. Called on the thread that changed membership — a handler's actor, or an event
 * loop when a connection ends — so implementations must be short and must not block; hand real work to an
 * actor with {@code tell}.
 */
public interface PresenceListener {

    /** {@code connection} joined {@code room}, which now has {@code members} local members. */
    void joined(String room, Connection connection, int members);

    /** {@code connection} left {@code room} (or ended), which now has {@code members} local members. */
    void left(String room, Connection connection, int members);
}
