package dev.sleet.rooms.redis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Room names become channel and key names: as UTF-8 when the name is well-formed, and still one-to-one when it
 * carries unpaired surrogates (which {@code getBytes(UTF_8)} would turn into '?', merging two rooms).
 */
class NamesWtf8Test {

    @Test
    void wellFormedNamesAreUtf8AndLayoutIsAsDocumented() {
        Names n = new Names("app:", "node-1");
        assertEquals("app:r:lobby", new String(n.channel("lobby"), StandardCharsets.UTF_8));
        assertEquals("app:p:node-1:caf\u00e9 \ud83d\ude00", new String(n.presence("caf\u00e9 \ud83d\ude00"),
                StandardCharsets.UTF_8));
        assertEquals("app:n:a:b", new String(n.nodes("a:b"), StandardCharsets.UTF_8));
        assertEquals("app:id:42", new String(n.lease(42), StandardCharsets.UTF_8));
        long seed = new SplittableRandom().nextLong();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(12); k > 0; k--) {
                int cp;
                do {
                    cp = r.nextInt(0x11_0000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), Names.wtf8(s), "seed " + seed + ": " + s);
        }
    }

    @Test
    void namesWithUnpairedSurrogatesStayDistinct() {
        String[] rooms = {"a?", "a\ud800", "a\udc00", "a\ud800\ud800", "a\ud83d\ude00", "a\ude00\ud83d", "a\ufffd"};
        Map<String, String> seen = new HashMap<>();
        for (String room : rooms) {
            String key = Arrays.toString(Names.wtf8(room));
            String before = seen.put(key, room);
            assertEquals(null, before, () -> "rooms share a channel: " + room);
        }
        assertFalse(Arrays.equals("a?".getBytes(StandardCharsets.UTF_8), Names.wtf8("a\ud800")));
    }

    @Test
    void nodeIdsCannotBreakTheKeyLayout() {
        for (String bad : new String[] {"", "a:b", "a b", "n\u00e9", "x".repeat(65), null}) {
            assertThrows(IllegalArgumentException.class, () -> Names.checkNodeId(bad), String.valueOf(bad));
        }
        assertEquals("Node_1.eu-west", Names.checkNodeId("Node_1.eu-west"));
    }
}
