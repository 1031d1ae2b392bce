package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The parser is a resumable state machine (RFC 6455 §5.2 framing over a byte stream, PROTO-02): whatever way the
 * input is split into buffers — at every single position, or one byte per buffer — it reports the same frames
 * with the same payload bytes, and payload in the input buffer is handed out in place.
 */
class FrameParserSplitInputTest {

    /** Records frame-level events, joining each frame's payload chunks. */
    static final class FrameLog implements FrameListener {
        final List<String> frames = new ArrayList<>();
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        String header;

        @Override
        public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
            header = (fin ? "FIN " : "") + opcode + " rsv=" + rsv + " len=" + payloadLength;
        }

        @Override
        public void onPayload(ByteBuffer p) {
            assertTrue(p.hasRemaining(), "no empty payload chunks");
            payload.writeBytes(Feed.bytes(p));
            p.position(p.limit()); // a listener may consume the chunk; the parser must not care
        }

        @Override
        public void onFrameEnd() {
            frames.add(header + " " + Recorder.hex(payload.toByteArray()));
            payload.reset();
        }
    }

    /** A stream with every length encoding, fragments, control frames in between and a close at the end. */
    static byte[] stream(Role sender) {
        int[] key = {0x01020304};
        List<ByteBuffer> frames = new ArrayList<>();
        record F(boolean fin, Opcode op, byte[] payload) {
        }
        List<F> list = List.of(
                new F(true, Opcode.TEXT, "héllo wörld — ✓ 𝄞".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                new F(true, Opcode.BINARY, new byte[0]),
                new F(false, Opcode.BINARY, bytes(125, 1)),
                new F(true, Opcode.PING, bytes(125, 2)),
                new F(false, Opcode.CONTINUATION, bytes(126, 3)),
                new F(true, Opcode.PONG, new byte[0]),
                new F(true, Opcode.CONTINUATION, bytes(300, 4)),
                new F(true, Opcode.BINARY, bytes(65535, 5)),
                new F(true, Opcode.BINARY, bytes(65536, 6)),
                new F(false, Opcode.TEXT, "abc".getBytes()),
                new F(true, Opcode.CONTINUATION, new byte[0]),
                new F(true, Opcode.CLOSE, Feed.bytes(Frames.closePayload(new CloseStatus(1001, "going")))));
        for (F f : list) {
            frames.add(sender == Role.CLIENT
                    ? Frames.maskedFrame(f.fin, 0, f.op, ByteBuffer.wrap(f.payload), key[0] += 0x11111111)
                    : Frames.frame(f.fin, 0, f.op, ByteBuffer.wrap(f.payload)));
        }
        return Feed.concat(frames);
    }

    static byte[] bytes(int n, int seed) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) (i * 31 + seed);
        }
        return a;
    }

    static Role receiver(Role sender) {
        return sender == Role.CLIENT ? Role.SERVER : Role.CLIENT;
    }

    static List<String> frames(Role sender, java.util.function.BiConsumer<FrameParser, FrameListener> feed) {
        FrameParser parser = new FrameParser(receiver(sender), 1 << 20);
        FrameLog log = new FrameLog();
        feed.accept(parser, log);
        assertTrue(parser.isClosed(), "ends after the close frame");
        return log.frames;
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void everyTwoWaySplitGivesTheSameFrames(Role sender) {
        byte[] wire = stream(sender);
        List<String> expected = frames(sender, (p, l) -> Feed.whole(p, l, wire));
        assertEquals(12, expected.size());
        // Every cut in the first 400 bytes (all headers and frame boundaries of the small frames), then every
        // 97th position through the large frames, and every position around the 64-bit header.
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i <= Math.min(400, wire.length); i++) {
            cuts.add(i);
        }
        for (int i = 401; i < wire.length; i += 997) {
            cuts.add(i);
        }
        int big = wire.length - 65536 - 14 - 20; // near the last binary frame's header
        for (int i = Math.max(0, big - 40); i < big + 40; i++) {
            cuts.add(i);
        }
        for (int cut : cuts) {
            List<String> got = frames(sender, (p, l) -> Feed.cutAt(p, l, wire, cut));
            assertEquals(expected, got, "cut at " + cut);
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void oneByteAtATimeGivesTheSameFrames(Role sender) {
        byte[] wire = stream(sender);
        List<String> expected = frames(sender, (p, l) -> Feed.whole(p, l, wire));
        for (int size : new int[] {1, 2, 3, 7, 13, 14, 15, 125, 4096}) {
            assertEquals(expected, frames(sender, (p, l) -> Feed.chunks(p, l, wire, size)), "chunks of " + size);
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void messagesAreTheSameForEverySplit(Role sender) {
        byte[] wire = stream(sender);
        Recorder whole = new Recorder();
        Feed.whole(new FrameParser(receiver(sender), 1 << 20), new MessageAssembler(whole), wire);
        assertEquals(List.of(
                "T:héllo wörld — ✓ 𝄞", "B:", "PING:" + Recorder.hex(bytes(125, 2)), "PONG:",
                "B:" + Recorder.hex(Feed.concat(bytes(125, 1), bytes(126, 3), bytes(300, 4))),
                "B:" + Recorder.hex(bytes(65535, 5)), "B:" + Recorder.hex(bytes(65536, 6)), "T:abc",
                "CLOSE:1001:going"), whole.events);
        for (int cut = 0; cut <= 700; cut++) {
            Recorder r = new Recorder();
            Feed.cutAt(new FrameParser(receiver(sender), 1 << 20), new MessageAssembler(r), wire, cut);
            assertEquals(whole.events, r.events, "cut at " + cut);
        }
        Recorder bytewise = new Recorder();
        Feed.chunks(new FrameParser(receiver(sender), 1 << 20), new MessageAssembler(bytewise), wire, 1);
        assertEquals(whole.events, bytewise.events);
    }

    @Test
    void payloadIsHandedOutInPlace() {
        // A masked frame is unmasked inside the caller's buffer and passed on as that very buffer, narrowed.
        ByteBuffer in = Frames.maskedText("in place, no copy", 0x5a5a1234);
        int headerLen = in.remaining() - 17;
        ByteBuffer[] seen = new ByteBuffer[1];
        int[] window = new int[2];
        FrameParser parser = new FrameParser(Role.SERVER, 1024);
        parser.parse(in, new MessageAssembler(new Recorder() {
            @Override
            public void onText(ByteBuffer utf8) {
                seen[0] = utf8;
                window[0] = utf8.position();
                window[1] = utf8.limit();
                super.onText(utf8);
            }
        }));
        assertSame(in, seen[0], "the message is the input buffer itself");
        assertEquals(headerLen, window[0]);
        assertEquals(headerLen + 17, window[1]);
        assertEquals(in.limit(), in.position(), "input consumed; position and limit restored");
        byte[] unmasked = new byte[17];
        in.get(headerLen, unmasked);
        assertArrayEquals("in place, no copy".getBytes(), unmasked, "the input now holds the unmasked payload");
    }

    @Test
    void emptyBuffersAreHarmless() {
        FrameParser parser = new FrameParser(Role.CLIENT, 1024);
        Recorder r = new Recorder();
        MessageAssembler a = new MessageAssembler(r);
        byte[] wire = Feed.bytes(Frames.text("x"));
        parser.parse(ByteBuffer.allocate(0), a);
        parser.parse(ByteBuffer.wrap(wire, 0, 1).slice(), a);
        parser.parse(ByteBuffer.allocate(0), a);
        assertTrue(!parser.isAtFrameBoundary());
        parser.parse(ByteBuffer.wrap(wire, 1, wire.length - 1).slice(), a);
        assertTrue(parser.isAtFrameBoundary());
        assertEquals(List.of("T:x"), r.events);
    }
}
