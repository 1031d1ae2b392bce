package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of RFC 6455 §5.7, byte for byte: each is parsed by the role that receives it and written by the
 * role that sends it.
 */
class FrameCodecRfcExamplesTest {
    private static final int EXAMPLE_KEY = 0x37fa213d;

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static List<String> parse(Role role, byte[] wire) {
        Recorder r = new Recorder();
        FrameParser parser = new FrameParser(role, 1 << 20);
        Feed.whole(parser, new MessageAssembler(r), wire);
        assertTrue(parser.isAtFrameBoundary());
        return r.events;
    }

    static byte[] written(FrameWriter w, int bufferSize) {
        ByteBuffer out = ByteBuffer.allocate(bufferSize);
        assertTrue(w.write(out), "fits in one buffer");
        return Feed.bytes(out.flip());
    }

    // §5.7: "A single-frame unmasked text message": 0x81 0x05 0x48 0x65 0x6c 0x6c 0x6f ("Hello")
    @Test
    void singleFrameUnmaskedText() {
        byte[] wire = hex("81 05 48 65 6c 6c 6f");
        assertEquals(List.of("T:Hello"), parse(Role.CLIENT, wire));
        assertArrayEquals(wire, Feed.bytes(Frames.text("Hello")));
        FrameWriter w = new FrameWriter(Role.SERVER);
        w.beginMessage(Opcode.TEXT, ByteBuffer.wrap("Hello".getBytes()));
        assertArrayEquals(wire, written(w, 64));
    }

    // §5.7: "A single-frame masked text message": 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58
    @Test
    void singleFrameMaskedText() {
        byte[] wire = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertEquals(List.of("T:Hello"), parse(Role.SERVER, wire));
        assertArrayEquals(wire, Feed.bytes(Frames.maskedText("Hello", EXAMPLE_KEY)));
        FrameWriter w = new FrameWriter(Role.CLIENT, FrameWriter.NO_FRAGMENTATION, () -> EXAMPLE_KEY, null);
        ByteBuffer payload = ByteBuffer.wrap("Hello".getBytes());
        w.beginMessage(Opcode.TEXT, payload);
        assertArrayEquals(wire, written(w, 64));
        assertEquals("Hello", Utf8.decode(payload), "the caller's payload is not masked in place");
    }

    // §5.7: "A fragmented unmasked text message": 0x01 0x03 0x48 0x65 0x6c ("Hel"), 0x80 0x02 0x6c 0x6f ("lo")
    @Test
    void fragmentedUnmaskedText() {
        byte[] wire = hex("01 03 48 65 6c 80 02 6c 6f");
        assertEquals(List.of("T:Hello"), parse(Role.CLIENT, wire));
        FrameWriter w = new FrameWriter(Role.SERVER, 3);
        w.beginMessage(Opcode.TEXT, ByteBuffer.wrap("Hello".getBytes()));
        assertArrayEquals(wire, written(w, 64));
        byte[] manual = Feed.concat(
                Feed.bytes(Frames.frame(false, 0, Opcode.TEXT, ByteBuffer.wrap("Hel".getBytes()))),
                Feed.bytes(Frames.frame(true, 0, Opcode.CONTINUATION, ByteBuffer.wrap("lo".getBytes()))));
        assertArrayEquals(wire, manual);
    }

    // §5.7: "Unmasked Ping request and masked Ping response": 0x89 0x05 "Hello", 0x8a 0x85 0x37 0xfa 0x21 0x3d ...
    @Test
    void unmaskedPingAndMaskedPong() {
        byte[] ping = hex("89 05 48 65 6c 6c 6f");
        byte[] pong = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertEquals(List.of("PING:48656c6c6f"), parse(Role.CLIENT, ping));
        assertEquals(List.of("PONG:48656c6c6f"), parse(Role.SERVER, pong));
        assertArrayEquals(ping, Feed.bytes(Frames.ping(ByteBuffer.wrap("Hello".getBytes()))));
        assertArrayEquals(pong, Feed.bytes(Frames.maskedFrame(true, 0, Opcode.PONG, ByteBuffer.wrap("Hello".getBytes()), EXAMPLE_KEY)));
    }

    // §5.7: "256 bytes binary message in a single unmasked frame": 0x82 0x7E 0x0100 [256 bytes of binary data]
    @Test
    void binary256BytesUses16BitLength() {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        byte[] wire = Feed.concat(hex("82 7e 01 00"), data);
        assertEquals(List.of("B:" + Recorder.hex(data)), parse(Role.CLIENT, wire));
        assertArrayEquals(wire, Feed.bytes(Frames.binary(data)));
    }

    // §5.7: "64KiB binary message in a single unmasked frame": 0x82 0x7F 0x0000000000010000 [65536 bytes]
    @Test
    void binary64KiBUses64BitLength() {
        byte[] data = new byte[65536];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i ^ (i >>> 8));
        }
        byte[] wire = Feed.concat(hex("82 7f 00 00 00 00 00 01 00 00"), data);
        assertEquals(List.of("B:" + Recorder.hex(data)), parse(Role.CLIENT, wire));
        assertArrayEquals(wire, Feed.bytes(Frames.binary(data)));
    }
}
