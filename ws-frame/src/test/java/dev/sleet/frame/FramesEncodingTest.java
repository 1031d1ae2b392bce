package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole-frame encoding into standalone buffers (RFC 6455 §5.2, §5.6): text straight from a {@link CharSequence}
 * to UTF-8 inside the frame, lone surrogates replaced so the frame is always valid UTF-8, every length encoding,
 * and the same bytes as the resumable writer.
 */
class FramesEncodingTest {

    static String roundTrip(ByteBuffer frame) {
        Recorder r = new Recorder();
        Feed.whole(new FrameParser(Role.CLIENT, Long.MAX_VALUE), new MessageAssembler(r), Feed.bytes(frame));
        return r.events.get(0);
    }

    @Test
    void textIsEncodedAsUtf8() {
        for (String s : List.of("", "plain ascii", "é", "€uro", "𝄞 clef", "mixed ✓ κόσμε 𝄞 end", "x".repeat(125),
                "x".repeat(126), "é".repeat(40_000))) {
            ByteBuffer f = Frames.text(s);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(utf8.length + (utf8.length < 126 ? 2 : utf8.length < 65536 ? 4 : 10), f.remaining());
            assertEquals("T:" + s, roundTrip(f));
            assertArrayEquals(Feed.bytes(Frames.frame(true, 0, Opcode.TEXT, ByteBuffer.wrap(utf8))), Feed.bytes(f));
            assertEquals(utf8.length, Utf8.encodedLength(s));
            assertArrayEquals(utf8, Utf8.encode(new StringBuilder(s)), "any CharSequence");
        }
    }

    /**
     * An ASCII String is copied by the JDK instead of encoded char by char; the bytes must be those of the
     * char-by-char encoder (reached through any other CharSequence), also around '?' and lone surrogates (which
     * the JDK's own encoder would write as '?').
     */
    @Test
    void stringCopyPathGivesTheGenericBytes() {
        for (String s : List.of("", "how are you?", "???", "a?\uD800", "\uDC00", "?\uD83D?", "ascii only",
                "x".repeat(70_000) + "?", "caf\u00e9?", "\uD83D\uDE00?", "\u0100", "\u0141\u0100A")) {
            CharSequence generic = new StringBuilder(s);
            assertArrayEquals(Feed.bytes(Frames.text(generic)), Feed.bytes(Frames.text(s)), s);
            assertArrayEquals(Utf8.encode(generic), Utf8.encode(s), s);
        }
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        String bad = "a\uD800b\uDC00c\uD83D";
        byte[] expected = "a\uFFFDb\uFFFDc\uFFFD".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, Utf8.encode(bad));
        assertEquals(expected.length, Utf8.encodedLength(bad));
        assertEquals("T:a\uFFFDb\uFFFDc\uFFFD", roundTrip(Frames.text(bad)));
    }

    @Test
    void binaryAndControlFrames() {
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {9, 8, 7, 6}).position(1);
        ByteBuffer f = Frames.binary(payload);
        assertArrayEquals(new byte[] {(byte) 0x82, 3, 8, 7, 6}, Feed.bytes(f));
        assertEquals(1, payload.position(), "payload position not moved");
        assertEquals(0, f.position());
        assertArrayEquals(new byte[] {(byte) 0x89, 0}, Feed.bytes(Frames.ping(ByteBuffer.allocate(0))));
        assertArrayEquals(new byte[] {(byte) 0x8A, 1, 5}, Feed.bytes(Frames.pong(ByteBuffer.wrap(new byte[] {5}))));
        assertThrows(IllegalArgumentException.class, () -> Frames.ping(ByteBuffer.allocate(126)));
        assertThrows(IllegalArgumentException.class, () -> Frames.frame(false, 0, Opcode.PONG, ByteBuffer.allocate(1)));
        // A client-role frame from Frames.frame(Role, ...) is masked with a random key.
        ByteBuffer masked = Frames.frame(Role.CLIENT, true, 0, Opcode.BINARY, ByteBuffer.wrap(new byte[] {1, 2}));
        assertEquals(8, masked.remaining());
        assertEquals(0x80, masked.get(1) & 0x80);
        Recorder r = new Recorder();
        Feed.whole(new FrameParser(Role.SERVER, 10), new MessageAssembler(r), Feed.bytes(masked));
        assertEquals(List.of("B:0102"), r.events);
    }

    @Test
    void sameBytesAsTheWriter() {
        byte[] data = new byte[70_000];
        new java.util.SplittableRandom(3).nextBytes(data);
        FrameWriter w = new FrameWriter(Role.SERVER);
        w.beginMessage(Opcode.BINARY, ByteBuffer.wrap(data));
        ByteBuffer out = ByteBuffer.allocate(80_000);
        w.write(out);
        assertArrayEquals(Feed.bytes(out.flip()), Feed.bytes(Frames.binary(data)));
    }
}
