package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The resumable frame writer (RFC 6455 §5.2–§5.4; PROTO-04): output buffers of any size down to one byte give the
 * same bytes; a server never masks, a client masks each frame with a new key from its source and leaves the
 * caller's payload alone; auto-fragmentation at the configured size; control frames never fragmented.
 */
class FrameWriterFragmentationTest {

    static byte[] writeAll(FrameWriter w, int bufferSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(bufferSize);
        boolean done;
        do {
            b.clear();
            done = w.write(b);
            out.write(b.array(), 0, b.position());
        } while (!done);
        assertTrue(w.isIdle());
        return out.toByteArray();
    }

    static byte[] payload(int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) (i * 13 + 5);
        }
        return a;
    }

    /** Frame headers seen by a parser: "FIN? OPCODE rsv len". */
    static List<String> headers(Role receiver, byte[] wire) {
        List<String> h = new ArrayList<>();
        new FrameParser(receiver, Long.MAX_VALUE, Rsv.ALL).parse(ByteBuffer.wrap(wire.clone()), new FrameListener() {
            @Override
            public void onFrameStart(boolean fin, int rsv, Opcode opcode, long payloadLength) {
                h.add((fin ? "FIN " : "") + opcode + " " + rsv + " " + payloadLength);
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

    @Test
    void anyOutputBufferSizeGivesTheSameBytes() {
        for (Role role : Role.values()) {
            for (int len : new int[] {0, 1, 125, 126, 1000, 65535, 65536, 70_000}) {
                byte[] data = payload(len);
                byte[] expected = null;
                for (int size : new int[] {1 << 17, 1, 2, 3, 13, 14, 15, 4096}) {
                    AtomicInteger keys = new AtomicInteger(0x01020304);
                    FrameWriter w = new FrameWriter(role, 50_000, () -> keys.getAndAdd(0x11111111), null);
                    w.beginMessage(Opcode.BINARY, ByteBuffer.wrap(data));
                    byte[] got = writeAll(w, size);
                    if (expected == null) {
                        expected = got;
                    }
                    assertArrayEquals(expected, got, role + " len " + len + " buffer " + size);
                }
                Recorder r = new Recorder();
                Feed.whole(new FrameParser(role == Role.CLIENT ? Role.SERVER : Role.CLIENT, Long.MAX_VALUE),
                        new MessageAssembler(r), expected);
                assertEquals(List.of("B:" + Recorder.hex(data)), r.events);
            }
        }
    }

    @Test
    void autoFragmentation() {
        FrameWriter w = new FrameWriter(Role.SERVER, 100);
        w.beginMessage(Opcode.TEXT, ByteBuffer.wrap("x".repeat(250).getBytes()));
        assertEquals(List.of("TEXT 0 100", "CONTINUATION 0 100", "FIN CONTINUATION 0 50"), headers(Role.CLIENT, writeAll(w, 7)));
        w.beginMessage(Opcode.BINARY, ByteBuffer.wrap(new byte[200]));
        assertEquals(List.of("BINARY 0 100", "FIN CONTINUATION 0 100"), headers(Role.CLIENT, writeAll(w, 1000)));
        w.beginMessage(Opcode.BINARY, ByteBuffer.allocate(0));
        assertEquals(List.of("FIN BINARY 0 0"), headers(Role.CLIENT, writeAll(w, 1000)));
        w.beginMessage(Opcode.PING, ByteBuffer.wrap(new byte[125]));
        assertEquals(List.of("FIN PING 0 125"), headers(Role.CLIENT, writeAll(w, 1000)), "control frames are not fragmented");
    }

    @Test
    void serverNeverMasksClientAlwaysMasks() {
        // §5.1 / PROTO-04: the MASK bit is the high bit of the second byte.
        FrameWriter server = new FrameWriter(Role.SERVER, 10);
        server.beginMessage(Opcode.BINARY, ByteBuffer.wrap(payload(25)));
        byte[] s = writeAll(server, 100);
        for (int at = 0; at < s.length; at += 2 + (s[at + 1] & 0x7F)) {
            assertEquals(0, s[at + 1] & 0x80, "server frame at " + at + " unmasked");
        }
        List<Integer> used = new ArrayList<>();
        AtomicInteger next = new AtomicInteger(0x10203040);
        FrameWriter client = new FrameWriter(Role.CLIENT, 10, () -> {
            int k = next.getAndAdd(0x01010101);
            used.add(k);
            return k;
        }, null);
        byte[] data = payload(25);
        ByteBuffer src = ByteBuffer.wrap(data.clone());
        client.beginMessage(Opcode.BINARY, src);
        byte[] c = writeAll(client, 3);
        assertEquals(3, used.size(), "one fresh key per frame");
        assertArrayEquals(data, src.array(), "the caller's payload is untouched");
        assertEquals(0, src.position());
        int at = 0;
        for (int frame = 0; frame < 3; frame++) {
            assertEquals(0x80, c[at + 1] & 0x80, "client frame masked");
            int len = c[at + 1] & 0x7F;
            int key = (c[at + 2] & 0xFF) << 24 | (c[at + 3] & 0xFF) << 16 | (c[at + 4] & 0xFF) << 8 | (c[at + 5] & 0xFF);
            assertEquals(used.get(frame), key);
            at += 6 + len;
        }
        assertEquals(c.length, at);
    }

    @Test
    void headerLengthEncodings() {
        // §5.2: 7-bit up to 125, 16-bit up to 65535, 64-bit above; always the shortest.
        int[][] cases = {{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}};
        for (int[] c : cases) {
            FrameWriter w = new FrameWriter(Role.SERVER);
            w.beginMessage(Opcode.BINARY, ByteBuffer.allocate(c[0]));
            assertEquals(c[0] + c[1], writeAll(w, 1 << 17).length, "payload " + c[0]);
            FrameWriter m = new FrameWriter(Role.CLIENT);
            m.beginMessage(Opcode.BINARY, ByteBuffer.allocate(c[0]));
            assertEquals(c[0] + c[1] + 4, writeAll(m, 1 << 17).length, "masked payload " + c[0]);
        }
    }

    @Test
    void explicitFrames() {
        FrameWriter w = new FrameWriter(Role.SERVER, 3);
        w.beginFrame(false, 0, Opcode.TEXT, ByteBuffer.wrap("abcdef".getBytes()));
        assertEquals(List.of("TEXT 0 6"), headers(Role.CLIENT, writeAll(w, 100)), "beginFrame does not fragment");
        w.beginFrame(true, Rsv.RSV2, Opcode.CONTINUATION, ByteBuffer.allocate(1));
        assertEquals(List.of("FIN CONTINUATION 2 1"), headers(Role.CLIENT, writeAll(w, 100)));
    }

    @Test
    void misuseIsRejected() {
        FrameWriter w = new FrameWriter(Role.SERVER);
        assertThrows(IllegalArgumentException.class, () -> w.beginMessage(Opcode.PING, ByteBuffer.allocate(126)));
        assertThrows(IllegalArgumentException.class, () -> w.beginMessage(Opcode.CONTINUATION, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> w.beginFrame(false, 0, Opcode.CLOSE, ByteBuffer.allocate(2)));
        assertThrows(IllegalArgumentException.class, () -> w.beginFrame(true, 0b1000, Opcode.TEXT, ByteBuffer.allocate(2)));
        assertThrows(IllegalArgumentException.class, () -> new FrameWriter(Role.SERVER, 0));
        assertTrue(w.write(ByteBuffer.allocate(0)), "idle writer has nothing to write");
        w.beginMessage(Opcode.TEXT, ByteBuffer.wrap("hi".getBytes()));
        assertFalse(w.isIdle());
        assertThrows(IllegalStateException.class, () -> w.beginMessage(Opcode.TEXT, ByteBuffer.allocate(1)));
        assertFalse(w.write(ByteBuffer.allocate(0)), "no room: not done");
        assertTrue(w.write(ByteBuffer.allocate(4)));
    }
}
