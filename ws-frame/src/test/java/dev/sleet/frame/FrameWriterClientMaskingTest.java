package dev.sleet.frame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client {@link FrameWriter} masks every frame with its own key from a {@link MaskKeySource} (RFC 6455 §5.3), and a
 * server parser reads the frames back intact; the caller's payload is not touched.
 */
class FrameWriterClientMaskingTest {

    @Test
    void everyFrameHasItsOwnKeyAndTheServerReadsThemBack() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> used = new ArrayList<>();
        MaskKeySource source = new MaskKeySource();
        FrameWriter writer = new FrameWriter(Role.CLIENT, 100, () -> {
            int k = source.getAsInt();
            used.add(k);
            return k;
        }, null);
        List<String> expected = new ArrayList<>();
        ByteBuffer wire = ByteBuffer.allocate(1 << 20);
        for (int m = 0; m < 40; m++) {
            byte[] data = new byte[random.nextInt(400)];
            random.nextBytes(data);
            byte[] copy = data.clone();
            writer.beginMessage(Opcode.BINARY, ByteBuffer.wrap(data));
            ByteBuffer chunk = ByteBuffer.allocate(1 + random.nextInt(64));
            while (true) {
                boolean done = writer.write(chunk);
                chunk.flip();
                wire.put(chunk);
                chunk.clear();
                if (done) {
                    break;
                }
            }
            assertEquals(ByteBuffer.wrap(copy), ByteBuffer.wrap(data), "the caller's payload changed");
            expected.add("B:" + Recorder.hex(copy));
        }
        wire.flip();
        int frames = countFramesAndCheckMasked(wire.duplicate(), used);
        assertEquals(used.size(), frames, "one key per frame");
        assertEquals(used.size(), used.stream().distinct().count(), "a key repeated (seed " + seed + ")");

        Recorder r = new Recorder();
        FrameParser parser = new FrameParser(Role.SERVER, 1 << 20);
        parser.parse(wire, MessageAssembler.builder(r).build());
        assertEquals(expected, r.events, "seed " + seed);
    }

    @Test
    void defaultClientWriterMasksWithFreshKeys() {
        FrameWriter writer = new FrameWriter(Role.CLIENT);
        byte[] hello = "Hello".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer a = ByteBuffer.allocate(32);
        ByteBuffer b = ByteBuffer.allocate(32);
        writer.beginMessage(Opcode.TEXT, ByteBuffer.wrap(hello));
        assertTrue(writer.write(a));
        writer.beginMessage(Opcode.TEXT, ByteBuffer.wrap(hello));
        assertTrue(writer.write(b));
        a.flip();
        b.flip();
        assertEquals((byte) 0x85, a.get(1), "MASK bit and length 5");
        assertNotEquals(a.getInt(2), b.getInt(2), "two frames, one key");
        Recorder r = new Recorder();
        ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
        new FrameParser(Role.SERVER, 100).parse(both, MessageAssembler.builder(r).build());
        assertEquals(List.of("T:Hello", "T:Hello"), r.events);
    }

    /** Walks the frame headers: every frame has the MASK bit and the key the source handed out, in order. */
    private static int countFramesAndCheckMasked(ByteBuffer wire, List<Integer> keys) {
        int n = 0;
        while (wire.hasRemaining()) {
            wire.get();
            int b1 = wire.get() & 0xFF;
            assertTrue((b1 & 0x80) != 0, "frame " + n + " not masked");
            long len = b1 & 0x7F;
            if (len == 126) {
                len = wire.getShort() & 0xFFFF;
            } else if (len == 127) {
                len = wire.getLong();
            }
            assertEquals(keys.get(n).intValue(), wire.getInt(), "key of frame " + n);
            wire.position(wire.position() + (int) len);
            n++;
        }
        return n;
    }
}
