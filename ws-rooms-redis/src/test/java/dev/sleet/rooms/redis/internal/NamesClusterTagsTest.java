package dev.sleet.rooms.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Cluster names: every name of a room (channel, presence hash, nodes set) hashes to one slot, whatever the room
 * holds (braces, nothing, thousands of characters, unpaired surrogates); distinct rooms never share a name; the
 * two tag forms never meet; rooms spread over the slots.
 */
class NamesClusterTagsTest {
    private static final String ALPHABET = "ab{}~=#:é\uD83D\uDE00\uD800 ";

    @Test
    void aRoomsNamesShareOneSlotAndDistinctRoomsNeverShareAName() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Names names = new Names("app:", "node-1", true);
        Map<String, String> channels = new HashMap<>();
        List<String> fixed = List.of("", "{", "}", "{}", "lobby", "~0000000000000000", "{~0000000000000000}=",
                "x".repeat(200), "x".repeat(201), "#1", "a}b{c");
        for (int i = 0; i < 20_000; i++) {
            String room;
            if (i < fixed.size()) {
                room = fixed.get(i);
            } else {
                StringBuilder sb = new StringBuilder();
                int len = random.nextInt(12);
                for (int k = 0; k < len; k++) {
                    sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                room = sb.toString();
            }
            int slot = SlotHash.getSlot(names.channel(room));
            assertEquals(slot, SlotHash.getSlot(names.presence(room)), "seed " + seed + " room '" + room + "'");
            assertEquals(slot, SlotHash.getSlot(names.nodes(room)), "seed " + seed + " room '" + room + "'");
            byte[] built = Names.concat(names.presencePrefix(room), names.nodeBytes(), names.roomSuffix(room));
            assertEquals(Names.key(names.presence(room)), Names.key(built), "what the READ script builds");
            String previous = channels.put(Names.key(names.channel(room)), room);
            assertTrue(previous == null || previous.equals(room),
                    "seed " + seed + ": '" + previous + "' and '" + room + "' share a channel");
        }
    }

    @Test
    void plainTagsAreReadableAndRoomsSpreadOverTheSlots() {
        Names names = new Names("sleet:", "n", true);
        assertEquals("sleet:r:{lobby}", new String(names.channel("lobby"), StandardCharsets.UTF_8));
        assertEquals("sleet:p:{lobby}:n", new String(names.presence("lobby"), StandardCharsets.UTF_8));
        assertTrue(new String(names.channel("a{b"), StandardCharsets.UTF_8).matches("sleet:r:\\{~[0-9a-f]{16}}=a\\{b"));
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            slots.add(SlotHash.getSlot(names.channel("room-" + i)));
        }
        assertTrue(slots.size() > 900, "1000 rooms land on " + slots.size() + " slots");
        int leaseSlot = SlotHash.getSlot(names.lease(1));
        assertEquals(leaseSlot, SlotHash.getSlot(names.lease(65535)), "all leases on one slot");
        assertEquals(leaseSlot, SlotHash.getSlot(names.leasePrefix()));
    }

    @Test
    void aPrefixWithABraceIsRefusedInClusterMode() {
        assertThrows(IllegalArgumentException.class, () -> new Names("{app}:", "n", true));
        new Names("{app}:", "n", false); // standalone has no hash tags to spoil
    }
}
