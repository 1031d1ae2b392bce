package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule a frame header alone can break (RFC 6455 §5.1–§5.5, PROTO-02/03/09), each with its exact close
 * code. Only the header bytes are fed — no payload — to show each rule fires before any payload is read, and the
 * same header fed one byte at a time fails the same way. After the failure the parser is terminal.
 */
class FrameParserHeaderRulesTest {
    static final long LIMIT = 1000;
    static final String MASK = "11 22 33 44";

    record Case(String name, Role role, int allowedRsv, String header, int code, int needed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> violations() {
        List<Case> cases = new ArrayList<>();
        // §5.2 / Autobahn 4.1.x, 4.2.x: reserved opcodes.
        for (int op : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            cases.add(new Case("reserved opcode 0x" + Integer.toHexString(op), Role.SERVER, 0,
                    String.format("%02x 80 %s", 0x80 | op, MASK), 1002, 1));
        }
        // §5.2 / Autobahn 3.x: RSV bits with no negotiated extension.
        cases.add(new Case("RSV1 without extension", Role.SERVER, 0, "c1 80 " + MASK, 1002, 1));
        cases.add(new Case("RSV2 without extension", Role.SERVER, 0, "a1 80 " + MASK, 1002, 1));
        cases.add(new Case("RSV3 without extension", Role.SERVER, 0, "91 80 " + MASK, 1002, 1));
        cases.add(new Case("RSV2 when only RSV1 is negotiated", Role.SERVER, Rsv.RSV1, "a1 80 " + MASK, 1002, 1));
        cases.add(new Case("RSV bits on a ping without extension", Role.SERVER, 0, "f9 80 " + MASK, 1002, 1));
        // §5.5 / Autobahn 5.1, 5.2: fragmented control frames.
        cases.add(new Case("ping without FIN", Role.SERVER, 0, "09 80 " + MASK, 1002, 1));
        cases.add(new Case("pong without FIN", Role.SERVER, 0, "0a 80 " + MASK, 1002, 1));
        cases.add(new Case("close without FIN", Role.SERVER, 0, "08 80 " + MASK, 1002, 1));
        // §5.5 / Autobahn 2.5: control frames over 125 bytes.
        cases.add(new Case("ping of 126 bytes", Role.SERVER, 0, "89 fe 00 7e " + MASK, 1002, 2));
        cases.add(new Case("pong with a 64-bit length", Role.SERVER, 0, "8a ff 00 00 00 00 00 01 00 00 " + MASK, 1002, 2));
        cases.add(new Case("close of 126 bytes (Autobahn 7.3.6)", Role.CLIENT, 0, "88 7e 00 7e", 1002, 2));
        // §5.5.1 / Autobahn 7.3.2: a close payload of one byte.
        cases.add(new Case("close with a 1-byte payload", Role.SERVER, 0, "88 81 " + MASK, 1002, 2));
        // §5.2: lengths must use the shortest encoding; a 64-bit length has its top bit clear.
        cases.add(new Case("length 125 in 16 bits", Role.SERVER, 0, "82 fe 00 7d " + MASK, 1002, 4));
        cases.add(new Case("length 0 in 16 bits", Role.SERVER, 0, "82 fe 00 00 " + MASK, 1002, 4));
        cases.add(new Case("length 65535 in 64 bits", Role.SERVER, 0, "82 ff 00 00 00 00 00 00 ff ff " + MASK, 1002, 10));
        cases.add(new Case("length 5 in 64 bits", Role.CLIENT, 0, "82 7f 00 00 00 00 00 00 00 05", 1002, 10));
        cases.add(new Case("64-bit length with the top bit set", Role.SERVER, 0, "82 ff 80 00 00 00 00 00 00 01 " + MASK, 1002, 10));
        cases.add(new Case("64-bit length of all ones", Role.CLIENT, 0, "82 7f ff ff ff ff ff ff ff ff", 1002, 10));
        // §5.1, §5.3 / PROTO-03: a server requires masks, a client forbids them.
        cases.add(new Case("unmasked frame to a server", Role.SERVER, 0, "81 05", 1002, 2));
        cases.add(new Case("unmasked close to a server", Role.SERVER, 0, "88 00", 1002, 2));
        cases.add(new Case("masked frame to a client", Role.CLIENT, 0, "81 85 " + MASK, 1002, 2));
        // §10.4 / FRAG-03: frames over the configured limit → 1009, before the payload.
        cases.add(new Case("frame of limit + 1 bytes", Role.SERVER, 0, "82 fe 03 e9 " + MASK, 1009, 4));
        cases.add(new Case("frame of 2^40 bytes", Role.SERVER, 0, "82 ff 00 00 01 00 00 00 00 00 " + MASK, 1009, 10));
        cases.add(new Case("frame of 2^63 - 1 bytes", Role.CLIENT, 0, "02 7f 7f ff ff ff ff ff ff ff", 1009, 10));
        return cases.stream().map(Arguments::of);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A listener that fails the test if the parser ever gets as far as starting a frame. */
    static final FrameListener NO_FRAME = new FrameListener() {
        @Override
        public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
            throw new AssertionError("frame started despite a header violation: " + opcode + " " + payloadLength);
        }

        @Override
        public void onPayload(ByteBuffer payload) {
            throw new AssertionError("payload read despite a header violation");
        }

        @Override
        public void onFrameEnd() {
            throw new AssertionError("frame ended despite a header violation");
        }
    };

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void headerOnlyFailsWithCode(Case c) {
        FrameParser parser = new FrameParser(c.role, LIMIT, c.allowedRsv);
        WebSocketException e = assertThrows(WebSocketException.class,
                () -> parser.parse(ByteBuffer.wrap(hex(c.header)), NO_FRAME));
        assertEquals(c.code, e.closeCode(), e.getMessage());
        assertTrue(parser.isFailed());
        // Terminal: the same failure again, even for valid input.
        WebSocketException again = assertThrows(WebSocketException.class,
                () -> parser.parse(ByteBuffer.wrap(hex("81 80 " + MASK)), NO_FRAME));
        assertSame(e, again);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void headerByteByByteFailsWithSameCode(Case c) {
        FrameParser parser = new FrameParser(c.role, LIMIT, c.allowedRsv);
        byte[] h = hex(c.header);
        WebSocketException e = assertThrows(WebSocketException.class, () -> {
            for (byte b : h) {
                parser.parse(ByteBuffer.wrap(new byte[] {b}), NO_FRAME);
            }
        });
        assertEquals(c.code, e.closeCode(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void failsOnTheByteThatBreaksTheRule(Case c) {
        // Fed one byte at a time, the parser fails on exactly the byte that completes the field the rule is about
        // (first byte, second byte, or the extended length), without waiting for the masking key.
        FrameParser parser = new FrameParser(c.role, LIMIT, c.allowedRsv);
        byte[] h = hex(c.header);
        int fed = 0;
        try {
            for (byte b : h) {
                fed++;
                parser.parse(ByteBuffer.wrap(new byte[] {b}), NO_FRAME);
            }
        } catch (WebSocketException e) {
            assertEquals(c.code, e.closeCode());
        }
        assertTrue(parser.isFailed(), "failed within the header");
        assertEquals(c.needed, fed, "bytes read before the rule fired");
    }

    @Test
    void negotiatedRsvBitIsAccepted() {
        FrameParser parser = new FrameParser(Role.SERVER, LIMIT, Rsv.RSV1);
        List<String> seen = new ArrayList<>();
        parser.parse(ByteBuffer.wrap(hex("c1 80 " + MASK)), new FrameListener() {
            @Override
            public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
                seen.add(fin + " " + Rsv.toString(rsv) + " " + opcode + " " + payloadLength);
            }

            @Override
            public void onPayload(ByteBuffer payload) {
                seen.add("payload");
            }

            @Override
            public void onFrameEnd() {
                seen.add("end");
            }
        });
        assertEquals(List.of("true RSV1 TEXT 0", "end"), seen);
        assertFalse(parser.isFailed());
    }

    @Test
    void boundaryLengthsAreAccepted() {
        // §5.2: 125 in 7 bits, 126 in 16 bits, 65535 in 16 bits, 65536 in 64 bits.
        for (long len : new long[] {0, 125, 126, 65535, 65536}) {
            FrameParser parser = new FrameParser(Role.CLIENT, 1 << 20);
            long[] started = {-1};
            ByteBuffer frame = Frames.frame(true, 0, Opcode.BINARY, ByteBuffer.allocate((int) len));
            frame.limit(frame.limit() - (int) len); // header only
            parser.parse(frame, new FrameListener() {
                @Override
                public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
                    started[0] = payloadLength;
                }

                @Override
                public void onPayload(ByteBuffer payload) {
                }

                @Override
                public void onFrameEnd() {
                }
            });
            assertEquals(len, started[0]);
        }
    }

    @Test
    void opcodeTable() {
        // §5.2, §11.8: the six defined opcodes; the rest are reserved.
        for (int code = 0; code < 16; code++) {
            Opcode op = Opcode.of(code);
            boolean defined = code <= 2 || (code >= 8 && code <= 0xA);
            if (defined) {
                assertEquals(code, op.code());
                assertEquals(code >= 8, op.isControl());
            } else {
                assertNull(op, "reserved 0x" + Integer.toHexString(code));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Opcode.of(16));
        assertThrows(IllegalArgumentException.class, () -> Opcode.of(-1));
    }

    @Test
    void listenerFailureMakesTheParserTerminal() {
        // A failure raised by the listener (here a 1007 from the assembler, then a plain bug) also ends parsing.
        FrameParser parser = new FrameParser(Role.CLIENT, LIMIT);
        byte[] badText = Feed.bytes(Frames.frame(true, 0, Opcode.TEXT, ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0x80})));
        MessageAssembler a = new MessageAssembler(new Recorder());
        assertEquals(1007, assertThrows(InvalidPayloadException.class, () -> parser.parse(ByteBuffer.wrap(badText), a)).closeCode());
        assertTrue(parser.isFailed());
        assertEquals(1007, assertThrows(WebSocketException.class,
                () -> parser.parse(ByteBuffer.wrap(Feed.bytes(Frames.text("fine"))), a)).closeCode());

        FrameParser other = new FrameParser(Role.CLIENT, LIMIT);
        MessageAssembler buggy = new MessageAssembler(new Recorder() {
            @Override
            public void onText(ByteBuffer utf8) {
                throw new IllegalStateException("handler bug");
            }
        });
        assertThrows(IllegalStateException.class, () -> other.parse(ByteBuffer.wrap(Feed.bytes(Frames.text("x"))), buggy));
        assertTrue(other.isFailed());
        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> other.parse(ByteBuffer.wrap(Feed.bytes(Frames.text("y"))), buggy));
        assertEquals("handler bug", again.getCause().getMessage());
    }

    @Test
    void closedParserIgnoresWhatFollows() {
        // §5.5.1: after a close frame the peer sends nothing more; whatever follows is not parsed.
        FrameParser parser = new FrameParser(Role.CLIENT, LIMIT);
        Recorder r = new Recorder();
        byte[] wire = Feed.concat(Feed.bytes(Frames.close(1000, "bye")), hex("ff ff ff"));
        Feed.whole(parser, new MessageAssembler(r), wire);
        assertTrue(parser.isClosed());
        assertEquals(List.of("CLOSE:1000:bye"), r.events);
    }
}
