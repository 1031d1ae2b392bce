package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extension hook (RFC 6455 §5.8, §9; shaped after RFC 7692 §6), end to end with a test-only run-length
 * "compressor" on RSV1: the writer and {@link Frames} transform messages and set RSV1 on the first frame only;
 * the assembler feeds such messages through the inbound transform, and UTF-8 validation and the size cap apply to
 * its output (a small wire message that expands past the cap fails with 1009, like a zip bomb would); RSV1 on a
 * continuation or control frame, or an RSV bit no extension owns, is 1002.
 */
class FrameExtensionHookTest {

    static byte[] writeAll(FrameWriter w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(5);
        boolean done;
        do {
            b.clear();
            done = w.write(b);
            out.write(b.array(), 0, b.position());
        } while (!done);
        return out.toByteArray();
    }

    static List<String> headers(byte[] wire) {
        List<String> h = new ArrayList<>();
        new FrameParser(Role.SERVER, Long.MAX_VALUE, Rsv.ALL).parse(ByteBuffer.wrap(wire.clone()), new FrameListener() {
            @Override
            public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
                h.add((fin ? "FIN " : "") + opcode + " " + Rsv.toString(rsv));
            }

            @Override
            public void onPayload(ByteBuffer payload) {
            }

            @Override
            public void onFrameEnd() {
            }
        });
        return h;
    }

    static MessageAssembler assembler(Recorder r, RunLengthExtension ext, long max, boolean streaming) {
        return MessageAssembler.builder(r).extension(ext).maxMessageSize(max).streaming(streaming).build();
    }

    @Test
    void writerTransformsAndSetsRsv1OnTheFirstFrameOnly() {
        RunLengthExtension ext = new RunLengthExtension(10);
        FrameWriter w = new FrameWriter(Role.CLIENT, 3, null, ext.newOutboundTransform());
        String text = "aaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbccccccccccccccccccccé";
        w.beginMessage(Opcode.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        byte[] wire = writeAll(w);
        // Run-length: 4 pairs (a, b, c, é's two bytes as two runs) = 10 bytes, in frames of 3.
        assertEquals(List.of("TEXT RSV1", "CONTINUATION none", "CONTINUATION none", "FIN CONTINUATION none"), headers(wire));
        w.beginMessage(Opcode.TEXT, ByteBuffer.wrap("short".getBytes()));
        assertEquals(List.of("TEXT none", "FIN CONTINUATION none"), headers(writeAll(w)),
                "below the threshold: sent as is, without RSV1");

        for (boolean streaming : new boolean[] {false, true}) {
            for (int chunk : new int[] {1, 2, 5, 1000}) {
                Recorder r = new Recorder();
                RunLengthExtension receiverSide = new RunLengthExtension(10);
                MessageAssembler a = assembler(r, receiverSide, 1000, streaming);
                Feed.chunks(new FrameParser(Role.SERVER, 1000, receiverSide.rsvBits()), a, wire, chunk);
                assertEquals(List.of("T:" + text), r.events, "chunks of " + chunk);
                assertEquals(1, receiverSide.inboundCreated, "one inbound transform per connection");
                assertEquals(1, receiverSide.messagesEnded);
                a.close();
                assertEquals(1, receiverSide.inboundClosed);
            }
        }
    }

    @Test
    void transformedAndPlainMessagesMix() {
        RunLengthExtension ext = new RunLengthExtension(0);
        byte[] wire = Feed.concat(
                Feed.bytes(Frames.text("zzzzzzzzzz", ext.newOutboundTransform())),
                Feed.bytes(Frames.text("plain")),
                Feed.bytes(Frames.binary(ByteBuffer.wrap(new byte[] {1, 1, 1, 2}), ext.newOutboundTransform())),
                Feed.bytes(Frames.frame(true, Rsv.RSV1, Opcode.TEXT, ByteBuffer.wrap(new byte[0]))));
        assertEquals(List.of("FIN TEXT RSV1", "FIN TEXT none", "FIN BINARY RSV1", "FIN TEXT RSV1"),
                headers(asClientFrames(wire)));
        Recorder r = new Recorder();
        Feed.whole(new FrameParser(Role.CLIENT, 100, Rsv.RSV1), assembler(r, new RunLengthExtension(0), 100, false), wire);
        assertEquals(List.of("T:zzzzzzzzzz", "T:plain", "B:01010102", "T:"), r.events);
    }

    /** Re-encodes server frames as masked client frames, so the server-role {@link #headers} can read them. */
    static byte[] asClientFrames(byte[] serverWire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameParser(Role.CLIENT, Long.MAX_VALUE, Rsv.ALL).parse(ByteBuffer.wrap(serverWire.clone()), new FrameListener() {
            boolean fin;
            int rsv;
            Opcode op;
            final ByteArrayOutputStream payload = new ByteArrayOutputStream();

            @Override
            public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
                this.fin = fin;
                this.rsv = rsv;
                this.op = opcode;
                payload.reset();
            }

            @Override
            public void onPayload(ByteBuffer p) {
                payload.writeBytes(Feed.bytes(p));
            }

            @Override
            public void onFrameEnd() {
                out.writeBytes(Feed.bytes(Frames.maskedFrame(fin, rsv, op, ByteBuffer.wrap(payload.toByteArray()), 0x01020304)));
            }
        });
        return out.toByteArray();
    }

    @Test
    void sizeCapAppliesToTheTransformOutput() {
        // 20 wire bytes (10 runs of 255) expand to 2550 bytes; the cap of 1000 stops it as soon as the output
        // passes 1000, without buffering more than the cap.
        byte[] runs = new byte[20];
        for (int i = 0; i < runs.length; i += 2) {
            runs[i] = (byte) 255;
            runs[i + 1] = 'x';
        }
        byte[] wire = Feed.bytes(Frames.maskedFrame(true, Rsv.RSV1, Opcode.BINARY, ByteBuffer.wrap(runs), 0x0a0b0c0d));
        for (boolean streaming : new boolean[] {false, true}) {
            RunLengthExtension ext = new RunLengthExtension(0);
            Recorder r = new Recorder();
            MessageAssembler a = assembler(r, ext, 1000, streaming);
            MessageTooBigException e = assertThrows(MessageTooBigException.class,
                    () -> Feed.whole(new FrameParser(Role.SERVER, 1000, Rsv.RSV1), a, wire));
            assertEquals(1009, e.closeCode());
            assertTrue(a.bufferCapacity() <= 1000, "buffered at most the cap: " + a.bufferCapacity());
            assertEquals(List.of(), r.events);
        }
        // The same message under a larger cap is delivered whole.
        Recorder r = new Recorder();
        Feed.whole(new FrameParser(Role.SERVER, 1000, Rsv.RSV1), assembler(r, new RunLengthExtension(0), 3000, false), wire);
        assertEquals(List.of("B:" + Recorder.hex("x".repeat(2550).getBytes())), r.events);
    }

    @Test
    void utf8IsValidatedOnTheTransformOutput() {
        // The run-length form of a surrogate (ED A0 80) is itself "valid" bytes on the wire; the output is not.
        byte[] runs = {1, 'o', 1, 'k', 1, (byte) 0xED, 1, (byte) 0xA0, 1, (byte) 0x80};
        byte[] wire = Feed.bytes(Frames.maskedFrame(true, Rsv.RSV1, Opcode.TEXT, ByteBuffer.wrap(runs), 7));
        Recorder r = new Recorder();
        assertEquals(1007, assertThrows(InvalidPayloadException.class, () -> Feed.whole(
                new FrameParser(Role.SERVER, 100, Rsv.RSV1), assembler(r, new RunLengthExtension(0), 100, false), wire)).closeCode());
    }

    @Test
    void rsvBitsInTheWrongPlaceAreProtocolErrors() {
        byte[] start = Feed.bytes(Frames.maskedFrame(false, Rsv.RSV1, Opcode.TEXT, ByteBuffer.wrap(new byte[] {3, 'a'}), 1));
        byte[] contWithRsv = Feed.bytes(Frames.maskedFrame(true, Rsv.RSV1, Opcode.CONTINUATION, ByteBuffer.wrap(new byte[] {3, 'b'}), 2));
        byte[] pingWithRsv = Feed.bytes(Frames.maskedFrame(true, Rsv.RSV1, Opcode.PING, ByteBuffer.allocate(0), 3));
        byte[] rsv2 = Feed.bytes(Frames.maskedFrame(true, Rsv.RSV2, Opcode.TEXT, ByteBuffer.allocate(0), 4));
        // RSV1 on a continuation frame (RFC 7692 §6.1).
        assertEquals(1002, failure(new RunLengthExtension(0), Rsv.RSV1, start, contWithRsv));
        // RSV1 on a control frame.
        assertEquals(1002, failure(new RunLengthExtension(0), Rsv.RSV1, pingWithRsv));
        // A bit no extension owns: the parser refuses it.
        assertEquals(1002, failure(new RunLengthExtension(0), Rsv.RSV1, rsv2));
        // The parser allows RSV1 but the assembler has no extension for it.
        assertEquals(1002, failure(null, Rsv.RSV1, start));
    }

    static int failure(RunLengthExtension ext, int allowed, byte[]... frames) {
        MessageAssembler a = MessageAssembler.builder(new Recorder()).extension(ext).build();
        FrameParser p = new FrameParser(Role.SERVER, 1000, allowed);
        return assertThrows(WebSocketException.class, () -> {
            for (byte[] f : frames) {
                Feed.whole(p, a, f);
            }
        }).closeCode();
    }

    @Test
    void extensionMustOwnABit() {
        RunLengthExtension none = new RunLengthExtension(0) {
            @Override
            public int rsvBits() {
                return 0;
            }
        };
        assertThrows(IllegalArgumentException.class, () -> MessageAssembler.builder(new Recorder()).extension(none).build());
    }
}
