package dev.sleet.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.SendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each operation of {@link Rooms} on its own (ROOM-01..05), against connections that record what they get. */
class RoomsOperationsTest {
    final Rooms rooms = Rooms.create();
    final FakeConnection a = new FakeConnection(1);
    final FakeConnection b = new FakeConnection(2);
    final FakeConnection c = new FakeConnection(3);

    @Test
    void joinLeaveMembersCountAndRoomsOf() {
        assertTrue(rooms.join(a, "lobby"));
        assertFalse(rooms.join(a, "lobby"), "joining twice is a no-op");
        assertTrue(rooms.join(b, "lobby"));
        assertTrue(rooms.join(a, "games"));
        assertEquals(Set.of(a, b), rooms.members("lobby"));
        assertEquals(2, rooms.count("lobby"));
        assertEquals(Set.of("lobby", "games"), rooms.roomsOf(a));
        assertEquals(Set.of("lobby", "games"), rooms.rooms());
        assertTrue(rooms.leave(a, "games"));
        assertFalse(rooms.leave(a, "games"));
        assertEquals(Set.of("lobby"), rooms.rooms(), "an empty room disappears (ROOM-05)");
        assertEquals(0, rooms.count("games"));
    }

    @Test
    void broadcastReachesEveryMemberAndExceptSkipsExactlyOne() {
        rooms.join(a, "r");
        rooms.join(b, "r");
        rooms.join(c, "other");
        assertEquals(2, rooms.broadcast("r", "hello"));
        assertEquals(List.of("hello"), a.received);
        assertEquals(List.of("hello"), b.received);
        assertEquals(List.of(), c.received);
        assertEquals(1, rooms.broadcastExcept("r", "not to a", a));
        assertEquals(List.of("hello"), a.received);
        assertEquals(List.of("hello", "not to a"), b.received);
        assertEquals(0, rooms.broadcast("nobody-here", "x"));
    }

    @Test
    void endedConnectionLeavesAllRoomsAndCannotRejoin() {
        rooms.join(a, "x");
        rooms.join(a, "y");
        rooms.join(b, "y");
        a.end();
        assertEquals(Set.of(), rooms.roomsOf(a));
        assertEquals(Set.of(b), rooms.members("y"));
        assertEquals(Set.of("y"), rooms.rooms());
        assertFalse(rooms.join(a, "z"), "a closed connection cannot join");
    }

    @Test
    void aMemberThatRefusesDoesNotStopTheOthers() {
        rooms.join(a, "r");
        rooms.join(b, "r");
        a.answer = SendResult.DROPPED; // its own slow-consumer policy
        assertEquals(1, rooms.broadcast("r", "m"));
        assertEquals(List.of("m"), b.received);
        assertEquals(1L, rooms.metrics().get("undelivered"));
    }

    @Test
    void presenceListenerHearsJoinsLeavesAndEnds() throws Exception {
        List<String> events = new ArrayList<>();
        AutoCloseable sub = rooms.onPresence(new PresenceListener() {
            @Override
            public void joined(String room, dev.sleet.core.Connection conn, int members) {
                events.add("+" + conn.id() + "@" + room + "=" + members);
            }

            @Override
            public void left(String room, dev.sleet.core.Connection conn, int members) {
                events.add("-" + conn.id() + "@" + room + "=" + members);
            }
        });
        rooms.join(a, "r");
        rooms.join(b, "r");
        rooms.leave(a, "r");
        b.end();
        sub.close();
        rooms.join(c, "r");
        assertEquals(List.of("+1@r=1", "+2@r=2", "-1@r=1", "-2@r=0"), events);
    }
}
