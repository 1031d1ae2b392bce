package dev.sleet.rooms.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presence information survives Redis exactly, any Java string included; foreign bytes are refused. */
class PresenceInfoRoundTripTest {

    @Test
    void mapsComeBackExactly() {
        for (Map<String, String> m : java.util.List.of(Map.<String, String>of(), Map.of("name", "ann"),
                Map.of("name", "\ud800 lone", "emoji", "\ud83d\ude00", "nul", "a\u0000b", "", ""))) {
            assertEquals(m, PresenceInfo.decode(PresenceInfo.encode(m)));
        }
    }

    @Test
    void overlongEntriesAreLeftOutAndForeignBytesRefused() {
        Map<String, String> m = Map.of("ok", "yes", "big", "x".repeat(30_000));
        assertEquals(Map.of("ok", "yes"), PresenceInfo.decode(PresenceInfo.encode(m)));
        assertNull(PresenceInfo.decode(new byte[] {0, 5, 0}));
        assertNull(PresenceInfo.decode("hello".getBytes()));
        byte[] trailing = java.util.Arrays.copyOf(PresenceInfo.encode(Map.of("a", "b")), 9);
        assertNull(PresenceInfo.decode(trailing));
    }
}
