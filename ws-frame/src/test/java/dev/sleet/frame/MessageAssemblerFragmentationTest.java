package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Message assembly (RFC 6455 §5.4; FRAG-01, FRAG-02, FRAG-03; Autobahn 5.x): continuation frames become one
 * message, control frames between fragments are delivered in place, fragmentation errors are 1002, and the
 * message size cap is 1009 before the excess is buffered. Also the streaming mode.
 */
class MessageAssemblerFragmentationTest {
    static int key = 0x1f2e3d4c;

    static byte[] frame(boolean fin, Opcode op, byte[] payload) {
        return Feed.bytes(Frames.maskedFrame(fin, 0, op, ByteBuffer.wrap(payload), key += 0x01010101));
    }

    static byte[] frame(boolean fin, Opcode op, String payload) {
        return frame(fin, op, payload.getBytes(StandardCharsets.UTF_8));
    }

    static Recorder run(MessageAssembler.Builder b, Recorder r, byte[]... frames) {
        MessageAssembler a = b.build();
        FrameParser parser = new FrameParser(Role.SERVER, Long.MAX_VALUE);
        for (byte[] f : frames) {
            Feed.whole(parser, a, f);
        }
        return r;
    }

    static List<String> messages(byte[]... frames) {
        Recorder r = new Recorder();
        return run(MessageAssembler.builder(r), r, frames).events;
    }

    static int failure(long maxMessage, byte[]... frames) {
        Recorder r = new Recorder();
        WebSocketException e = assertThrows(WebSocketException.class,
                () -> run(MessageAssembler.builder(r).maxMessageSize(maxMessage), r, frames));
        return e.closeCode();
    }

    @Test
    void continuationFramesMakeOneMessage() {
        // FRAG-01 / Autobahn 5.3–5.5: text and binary in several fragments, including empty ones.
        assertEquals(List.of("T:Hello, world"), messages(
                frame(false, Opcode.TEXT, "Hel"), frame(false, Opcode.CONTINUATION, ""),
                frame(false, Opcode.CONTINUATION, "lo, "), frame(true, Opcode.CONTINUATION, "world")));
        assertEquals(List.of("B:010203"), messages(
                frame(false, Opcode.BINARY, new byte[] {1}), frame(true, Opcode.CONTINUATION, new byte[] {2, 3})));
        assertEquals(List.of("T:"), messages(frame(false, Opcode.TEXT, ""), frame(true, Opcode.CONTINUATION, "")));
    }

    @Test
    void controlFramesBetweenFragmentsAreDeliveredInPlace() {
        // FRAG-02 / RFC 6455 §5.4, §5.5 / Autobahn 5.6–5.8: pings, pongs and a close between fragments.
        assertEquals(List.of("PING:7031", "PONG:", "T:fragmented", "PING:7032"), messages(
                frame(false, Opcode.TEXT, "frag"), frame(true, Opcode.PING, "p1"), frame(false, Opcode.CONTINUATION, "men"),
                frame(true, Opcode.PONG, ""), frame(true, Opcode.CONTINUATION, "ted"), frame(true, Opcode.PING, "p2")));
        assertEquals(List.of("CLOSE:1000:"), messages(
                frame(false, Opcode.BINARY, "unfinished"), frame(true, Opcode.CLOSE, new byte[] {0x03, (byte) 0xE8})));
    }

    @Test
    void fragmentationErrorsAreProtocolErrors() {
        // RFC 6455 §5.4 / Autobahn 5.9–5.20: continuation without a start; a new start inside a message.
        assertEquals(1002, failure(1000, frame(true, Opcode.CONTINUATION, "x")));
        assertEquals(1002, failure(1000, frame(false, Opcode.CONTINUATION, "x")));
        assertEquals(1002, failure(1000, frame(false, Opcode.TEXT, "a"), frame(true, Opcode.TEXT, "b")));
        assertEquals(1002, failure(1000, frame(false, Opcode.TEXT, "a"), frame(true, Opcode.BINARY, "b")));
        assertEquals(1002, failure(1000, frame(false, Opcode.BINARY, "a"), frame(false, Opcode.BINARY, "b")));
        assertEquals(1002, failure(1000, frame(true, Opcode.TEXT, "done"), frame(true, Opcode.CONTINUATION, "x")));
    }

    @Test
    void rejectedAtTheHeaderBeforeAnyPayload() {
        // The fragmentation rule fires in onFrameStart: feed only the second frame's header.
        Recorder r = new Recorder();
        MessageAssembler a = new MessageAssembler(r, 1000);
        FrameParser parser = new FrameParser(Role.SERVER, 1000);
        Feed.whole(parser, a, frame(false, Opcode.TEXT, "a"));
        byte[] second = frame(true, Opcode.TEXT, "bcdef");
        ByteBuffer headerOnly = ByteBuffer.wrap(second, 0, 6).slice();
        assertEquals(1002, assertThrows(ProtocolException.class, () -> parser.parse(headerOnly, a)).closeCode());
    }

    @Test
    void messageSizeCapIsEnforcedBeforeBuffering() {
        // FRAG-03: the cap applies to the whole message; a frame that would cross it fails at its header.
        assertEquals(List.of("B:" + Recorder.hex(new byte[1000])), messages(
                frame(false, Opcode.BINARY, new byte[600]), frame(true, Opcode.CONTINUATION, new byte[400])));
        assertEquals(1009, failure(1000, frame(true, Opcode.BINARY, new byte[1001])));
        assertEquals(1009, failure(1000, frame(false, Opcode.BINARY, new byte[600]), frame(true, Opcode.CONTINUATION, new byte[401])));

        Recorder r = new Recorder();
        MessageAssembler a = new MessageAssembler(r, 1000);
        FrameParser parser = new FrameParser(Role.SERVER, Long.MAX_VALUE);
        Feed.whole(parser, a, frame(false, Opcode.BINARY, new byte[600]));
        int afterFirst = a.bufferCapacity();
        assertTrue(afterFirst >= 600 && afterFirst <= 1000, "holds the first fragment: " + afterFirst);
        // A 2^40-byte continuation: only its header is sent; the failure comes without buffering anything.
        byte[] hugeHeader = {(byte) 0x80, (byte) 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        MessageTooBigException e = assertThrows(MessageTooBigException.class,
                () -> parser.parse(ByteBuffer.wrap(hugeHeader), a));
        assertEquals(1009, e.closeCode());
        assertEquals(afterFirst, a.bufferCapacity(), "nothing more was allocated");
    }

    @Test
    void controlFramesDoNotCountTowardsTheMessageSize() {
        assertEquals(List.of("PING:" + Recorder.hex(new byte[100]), "B:" + Recorder.hex(new byte[100])),
                messagesWithLimit(100, frame(false, Opcode.BINARY, new byte[50]), frame(true, Opcode.PING, new byte[100]),
                        frame(true, Opcode.CONTINUATION, new byte[50])));
    }

    static List<String> messagesWithLimit(long limit, byte[]... frames) {
        Recorder r = new Recorder();
        return run(MessageAssembler.builder(r).maxMessageSize(limit), r, frames).events;
    }

    @Test
    void singleFrameMessageIsNotCopied() {
        ByteBuffer in = ByteBuffer.wrap(Feed.concat(frame(true, Opcode.BINARY, "abc"), frame(true, Opcode.PING, "p")));
        List<ByteBuffer> seen = new ArrayList<>();
        MessageAssembler a = new MessageAssembler(new Recorder() {
            @Override
            public void onBinary(ByteBuffer data) {
                seen.add(data);
            }

            @Override
            public void onPing(ByteBuffer payload) {
                seen.add(payload);
            }
        });
        new FrameParser(Role.SERVER, 100).parse(in, a);
        assertEquals(2, seen.size());
        assertSame(in, seen.get(0));
        assertSame(in, seen.get(1));
    }

    @Test
    void controlPayloadSplitAcrossBuffersIsGathered() {
        byte[] ping = frame(true, Opcode.PING, "ping payload");
        for (int cut = 1; cut < ping.length; cut++) {
            Recorder r = new Recorder();
            Feed.cutAt(new FrameParser(Role.SERVER, 200), new MessageAssembler(r), ping, cut);
            assertEquals(List.of("PING:" + Recorder.hex("ping payload".getBytes())), r.events, "cut at " + cut);
        }
    }

    @Test
    void wholeMessagesNeedNoReassemblyBufferAndLateTextIsStillValidated() {
        // What an idle or single-frame connection holds: no reassembly buffer until a message is fragmented; the
        // UTF-8 validator, made with the first text message, still checks text that follows binary messages
        // (RFC 6455 §8.1: invalid UTF-8 → 1007), across fragments.
        Recorder r = new Recorder();
        MessageAssembler a = new MessageAssembler(r);
        FrameParser parser = new FrameParser(Role.SERVER, Long.MAX_VALUE);
        assertEquals(0, a.bufferCapacity());
        Feed.whole(parser, a, frame(true, Opcode.BINARY, new byte[] {(byte) 0xFF}));
        Feed.whole(parser, a, frame(true, Opcode.PING, "p"));
        Feed.whole(parser, a, frame(true, Opcode.TEXT, "ünïcödé"));
        assertEquals(0, a.bufferCapacity(), "single-frame messages are delivered from the input buffer");
        assertEquals(List.of("B:ff", "PING:70", "T:ünïcödé"), r.events);
        Feed.whole(parser, a, frame(false, Opcode.TEXT, new byte[] {'o', 'k', (byte) 0xC3}));
        WebSocketException e = assertThrows(WebSocketException.class,
                () -> Feed.whole(parser, a, frame(true, Opcode.CONTINUATION, new byte[] {(byte) 0x28})));
        assertEquals(CloseCodes.INVALID_PAYLOAD, e.closeCode(), "0xC3 0x28 is not UTF-8");
        assertEquals(1007, failureOfBinaryThenText());
    }

    /** A fresh assembler fed a binary message, then a text message whose single frame ends inside a code point. */
    private static int failureOfBinaryThenText() {
        Recorder r = new Recorder();
        WebSocketException e = assertThrows(WebSocketException.class, () -> run(MessageAssembler.builder(r), r,
                frame(true, Opcode.BINARY, new byte[] {1}), frame(true, Opcode.TEXT, new byte[] {'a', (byte) 0xE2, (byte) 0x82})));
        return e.closeCode();
    }

    @Test
    void largeBufferIsReleasedAfterTheMessage() {
        Recorder r = new Recorder();
        MessageAssembler a = new MessageAssembler(r);
        FrameParser parser = new FrameParser(Role.SERVER, Long.MAX_VALUE);
        Feed.whole(parser, a, frame(false, Opcode.BINARY, new byte[100_000]));
        assertTrue(a.bufferCapacity() >= 100_000);
        assertTrue(a.isInMessage());
        Feed.whole(parser, a, frame(true, Opcode.CONTINUATION, new byte[100]));
        assertFalse(a.isInMessage());
        assertEquals(0, a.bufferCapacity(), "a reassembly buffer over 64 KiB is not kept");
        Feed.whole(parser, a, frame(false, Opcode.BINARY, new byte[1000]));
        Feed.whole(parser, a, frame(true, Opcode.CONTINUATION, new byte[100]));
        assertTrue(a.bufferCapacity() > 0 && a.bufferCapacity() <= 64 * 1024, "a small one is kept for reuse");
        assertEquals(2, r.events.size());
    }

    @Test
    void streamingModeHandsOutFragmentsAsTheyArrive() {
        List<String> pieces = new ArrayList<>();
        MessageListener l = new Recorder() {
            @Override
            public void onTextFragment(ByteBuffer utf8, boolean last) {
                pieces.add("t:" + Utf8.decode(utf8) + (last ? "|" : ""));
            }

            @Override
            public void onBinaryFragment(ByteBuffer data, boolean last) {
                pieces.add("b:" + Recorder.hex(data) + (last ? "|" : ""));
            }

            @Override
            public void onText(ByteBuffer utf8) {
                throw new AssertionError("whole message in streaming mode");
            }
        };
        MessageAssembler a = MessageAssembler.builder(l).streaming(true).maxMessageSize(20).build();
        FrameParser parser = new FrameParser(Role.SERVER, 100);
        byte[] first = frame(false, Opcode.TEXT, "hello ");
        Feed.cutAt(parser, a, first, first.length - 2);
        Feed.whole(parser, a, frame(true, Opcode.PING, ""));
        Feed.whole(parser, a, frame(true, Opcode.CONTINUATION, "world"));
        Feed.whole(parser, a, frame(true, Opcode.BINARY, new byte[] {9}));
        Feed.whole(parser, a, frame(false, Opcode.BINARY, new byte[] {7}));
        Feed.whole(parser, a, frame(true, Opcode.CONTINUATION, new byte[0]));
        assertEquals(List.of("t:hell", "t:o ", "t:world|", "b:09|", "b:07", "b:|"), pieces);
        assertEquals(0, a.bufferCapacity(), "streaming buffers nothing");
        // The cap still applies to the message as a whole.
        Feed.whole(parser, a, frame(false, Opcode.BINARY, new byte[15]));
        assertEquals(1009, assertThrows(MessageTooBigException.class,
                () -> Feed.whole(parser, a, frame(true, Opcode.CONTINUATION, new byte[6]))).closeCode());
    }

    @Test
    void streamingNeedsTheFragmentMethods() {
        MessageListener plain = new MessageListener() {
            @Override
            public void onText(ByteBuffer utf8) {
            }

            @Override
            public void onBinary(ByteBuffer data) {
            }

            @Override
            public void onPing(ByteBuffer payload) {
            }

            @Override
            public void onPong(ByteBuffer payload) {
            }

            @Override
            public void onClose(CloseStatus status) {
            }
        };
        MessageAssembler a = MessageAssembler.builder(plain).streaming(true).build();
        assertThrows(UnsupportedOperationException.class,
                () -> Feed.whole(new FrameParser(Role.SERVER, 100), a, frame(true, Opcode.TEXT, "x")));
    }

    @Test
    void closeFramesAreDecodedAndChecked() {
        // PROTO-07 / RFC 6455 §5.5.1, §7.4 / Autobahn 7.x.
        assertEquals(List.of("CLOSE:1005:"), messages(frame(true, Opcode.CLOSE, new byte[0])));
        assertEquals(List.of("CLOSE:1000:"), messages(frame(true, Opcode.CLOSE, new byte[] {0x03, (byte) 0xE8})));
        byte[] reason = Feed.bytes(Frames.closePayload(new CloseStatus(4000, "κόσμε")));
        assertEquals(List.of("CLOSE:4000:κόσμε"), messages(frame(true, Opcode.CLOSE, reason)));
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            byte[] p = {(byte) (code >>> 8), (byte) code};
            assertEquals(1002, failure(1000, frame(true, Opcode.CLOSE, p)), "code " + code);
        }
        // Autobahn 7.5.1: a close reason that is not valid UTF-8.
        byte[] badReason = {0x03, (byte) 0xE8, (byte) 0xCE, (byte) 0xBA, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertEquals(1002, failure(1000, frame(true, Opcode.CLOSE, badReason)));
    }

    @Test
    void wholeModeRejectsAnUnbufferableLimit() {
        assertThrows(IllegalArgumentException.class,
                () -> MessageAssembler.builder(new Recorder()).maxMessageSize(Long.MAX_VALUE).build());
        MessageAssembler streaming = MessageAssembler.builder(new Recorder()).maxMessageSize(Long.MAX_VALUE).streaming(true).build();
        assertTrue(streaming.isStreaming());
    }
}
