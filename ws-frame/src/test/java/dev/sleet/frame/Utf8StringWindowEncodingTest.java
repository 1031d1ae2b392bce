package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A String is encoded through a char window ({@code Utf8.frame}, {@code encodedLength}, {@code encode}); any other
 * {@code CharSequence} through the char-by-char encoder. On seeded random text — ASCII, 2-, 3- and 4-byte
 * characters, lone and reversed surrogates, surrogate pairs straddling the window's edge, lengths around the window
 * — the two must give the same bytes, and for well-formed text the same bytes as the JDK's encoder. The seed is in
 * every failure message.
 */
class Utf8StringWindowEncodingTest {
    private static final char[] SAMPLES = {'a', 'Z', '~', 0x7F, 0x80, 'é', 0x7FF, 0x800, 'П', '你', 0xFFFF, 0xFFFD,
            0xE000, 0xD7FF};

    @Test
    void windowPathMatchesTheCharByCharEncoderOnRandomText() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 400; round++) {
            boolean wellFormed = round % 2 == 0;
            int[] lengths = {random.nextInt(40), Utf8.WINDOW - 2 + random.nextInt(4), random.nextInt(3 * Utf8.WINDOW)};
            String s = text(random, lengths[round % 3], wellFormed);
            check(s, wellFormed, "seed " + seed + ", round " + round + ", length " + s.length());
        }
    }

    @Test
    void pairsAcrossEveryWindowEdgeAndLoneHalvesAtIt() {
        for (int shift = -3; shift <= 3; shift++) {
            StringBuilder sb = new StringBuilder("x".repeat(Utf8.WINDOW + shift));
            sb.appendCodePoint(0x1F642).append("П").appendCodePoint(0x1F680);
            sb.append("y".repeat(Utf8.WINDOW));
            check(sb.toString(), true, "pair at " + (Utf8.WINDOW + shift));
            String lone = "x".repeat(Utf8.WINDOW - 1) + '\uD83D' + "z" + '\uDE42' + "end";
            check(lone, false, "lone halves at the edge");
            check("x".repeat(Utf8.WINDOW - 1) + '\uD83D', false, "a high half last");
        }
    }

    @Test
    void aVirtualThreadGetsTheSameBytes() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String s = text(random, 3 * Utf8.WINDOW + 17, false);
        AtomicReference<byte[]> fromVirtual = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> fromVirtual.set(array(Frames.text(s))));
        t.join();
        assertArrayEquals(array(Frames.text(new StringBuilder(s))), fromVirtual.get(), "seed " + seed);
    }

    private static void check(String s, boolean wellFormed, String where) {
        CharSequence generic = new StringBuilder(s);
        byte[] expected = Utf8.encode(generic);
        assertEquals(expected.length, Utf8.encodedLength(s), where);
        assertArrayEquals(expected, Utf8.encode(s), where);
        byte[] into = new byte[expected.length + 5];
        assertEquals(expected.length + 3, Utf8.encode(s, into, 3), where);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(into, 3, 3 + expected.length), where);
        assertEquals(Frames.text(generic), Frames.text(s), where);
        if (wellFormed) {
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), expected, where);
        }
    }

    private static String text(Random random, int n, boolean wellFormed) {
        StringBuilder sb = new StringBuilder(n + 2);
        int kind = random.nextInt(3); // mostly ASCII, mostly one script, or anything
        while (sb.length() < n) {
            int r = random.nextInt(100);
            if (kind == 0 && r < 90 || kind == 1 && r < 30) {
                sb.append((char) (' ' + random.nextInt(95)));
            } else if (r < 94) {
                sb.append(SAMPLES[random.nextInt(SAMPLES.length)]);
            } else if (r < 98 || wellFormed) {
                sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
            } else if (r == 98) {
                sb.append((char) (0xD800 + random.nextInt(0x400))); // a lone high half
            } else {
                sb.append((char) (0xDC00 + random.nextInt(0x400))); // a lone low half, or one before a high half
            }
        }
        return sb.toString();
    }

    private static byte[] array(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
