package dev.sleet.frame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Test helper: random but valid WebSocket traffic — data messages of every length encoding, text with 1- to
 * 4-byte code points, fragmentation by the writer or by hand with control frames between the fragments, and an
 * optional close — written by a {@link FrameWriter} into output buffers of random sizes, together with the
 * messages a receiver must report. All randomness comes from a {@link Choices}, so a seeded generator and a
 * fuzzer's data both drive it.
 */
final class Traffic {
    /** A source of decisions. */
    interface Choices {
        /** A value in {@code [0, bound)}. */
        int nextInt(int bound);

        default boolean chance(int oneIn) {
            return nextInt(oneIn) == 0;
        }
    }

    /** One frame as it goes on the wire. */
    record Unit(boolean fin, Opcode opcode, byte[] payload, int messageSize, String completes) {
    }

    final List<Unit> units = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    byte[] wire;
    long largestMessage;

    private Traffic() {
    }

    /**
     * Generates up to {@code maxMessages} messages as {@code sender} would send them.
     *
     * @param bigMessages whether a message may exceed 64 KiB (64-bit length encoding)
     */
    static Traffic generate(Choices c, Role sender, int maxMessages, boolean bigMessages) {
        Traffic t = new Traffic();
        IntSupplier keys = () -> c.nextInt(Integer.MAX_VALUE) * 31 + c.nextInt(31);
        FrameWriter framer = new FrameWriter(sender, FrameWriter.NO_FRAGMENTATION, keys, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 1 + c.nextInt(maxMessages);
        for (int m = 0; m < count; m++) {
            int kind = c.nextInt(10);
            if (kind == 0) {
                t.control(c, framer, out, Opcode.PING);
            } else if (kind == 1) {
                t.control(c, framer, out, Opcode.PONG);
            } else {
                boolean text = kind < 6;
                byte[] data = text ? text(c, length(c, bigMessages)) : binary(c, length(c, bigMessages));
                t.largestMessage = Math.max(t.largestMessage, data.length);
                String event = text ? "T:" + new String(data, StandardCharsets.UTF_8) : "B:" + Recorder.hex(data);
                Opcode op = text ? Opcode.TEXT : Opcode.BINARY;
                int mode = c.nextInt(3);
                if (mode == 0) {
                    t.message(op, data, FrameWriter.NO_FRAGMENTATION, event, sender, keys, c, out);
                } else if (mode == 1) {
                    t.message(op, data, 1 + c.nextInt(Math.max(1, data.length)), event, sender, keys, c, out);
                } else {
                    t.manual(c, framer, out, op, data, event);
                }
            }
        }
        if (c.chance(3)) {
            int[] codes = {1000, 1001, 1003, 1008, 1011, 3000, 4999};
            CloseStatus s = new CloseStatus(codes[c.nextInt(codes.length)], c.chance(2) ? "" : "bye ✓");
            byte[] payload = Feed.bytes(Frames.closePayload(s));
            framer.beginFrame(true, 0, Opcode.CLOSE, ByteBuffer.wrap(payload));
            drain(framer, c, out);
            t.units.add(new Unit(true, Opcode.CLOSE, payload, 0, "CLOSE:" + s.code() + ":" + s.reason()));
        }
        t.wire = out.toByteArray();
        for (Unit u : t.units) {
            if (u.completes != null) {
                t.messages.add(u.completes);
            }
        }
        return t;
    }

    /** The events a receiver with this message size limit reports, and the close code it fails with (or -1). */
    record Expected(List<String> events, int closeCode) {
    }

    Expected expect(long maxMessageSize) {
        List<String> events = new ArrayList<>();
        for (Unit u : units) {
            if (u.opcode.isData() && u.messageSize > maxMessageSize) {
                return new Expected(events, CloseCodes.MESSAGE_TOO_BIG);
            }
            if (u.completes != null) {
                events.add(u.completes);
            }
        }
        return new Expected(events, -1);
    }

    private void control(Choices c, FrameWriter framer, ByteArrayOutputStream out, Opcode op) {
        byte[] p = binary(c, c.nextInt(126));
        framer.beginMessage(op, ByteBuffer.wrap(p));
        drain(framer, c, out);
        units.add(new Unit(true, op, p, 0, op + ":" + Recorder.hex(p)));
    }

    private void message(Opcode op, byte[] data, int fragment, String event, Role sender, IntSupplier keys,
                         Choices c, ByteArrayOutputStream out) {
        FrameWriter w = new FrameWriter(sender, fragment, keys, null);
        ByteBuffer payload = ByteBuffer.wrap(data);
        w.beginMessage(op, payload);
        drain(w, c, out);
        if (payload.position() != 0 || payload.limit() != data.length) {
            throw new AssertionError("writer moved the payload buffer");
        }
        int at = 0;
        Opcode next = op;
        do {
            int n = Math.min(fragment, data.length - at);
            boolean fin = at + n == data.length;
            units.add(new Unit(fin, next, java.util.Arrays.copyOfRange(data, at, at + n), at + n, fin ? event : null));
            at += n;
            next = Opcode.CONTINUATION;
        } while (at < data.length);
    }

    private void manual(Choices c, FrameWriter framer, ByteArrayOutputStream out, Opcode op, byte[] data, String event) {
        int at = 0;
        Opcode next = op;
        for (int pieces = 1; ; pieces++) {
            // At most 8 pieces: the last one takes what is left, so the message always ends.
            int n = pieces == 8 ? data.length - at : c.chance(4) ? 0 : c.nextInt(data.length - at + 1);
            boolean fin = at + n == data.length && (pieces == 8 || c.nextInt(3) != 0);
            byte[] piece = java.util.Arrays.copyOfRange(data, at, at + n);
            framer.beginFrame(fin, 0, next, ByteBuffer.wrap(piece));
            drain(framer, c, out);
            at += n;
            units.add(new Unit(fin, next, piece, at, fin ? event : null));
            if (fin) {
                return;
            }
            next = Opcode.CONTINUATION;
            if (c.chance(3)) {
                control(c, framer, out, c.chance(2) ? Opcode.PING : Opcode.PONG);
            }
        }
    }

    /** Writes the pending message into output buffers of random sizes (0 to 70 bytes, or large). */
    static void drain(FrameWriter w, Choices c, ByteArrayOutputStream out) {
        int guard = 0;
        boolean done;
        do {
            int size = c.chance(4) ? 1 + c.nextInt(100_000) : c.nextInt(71);
            ByteBuffer b = ByteBuffer.allocate(size);
            done = w.write(b);
            out.write(b.array(), 0, b.position());
            if (++guard > 10_000_000) {
                throw new AssertionError("writer makes no progress");
            }
        } while (!done);
    }

    static int length(Choices c, boolean big) {
        return switch (c.nextInt(big ? 8 : 7)) {
            case 0 -> 0;
            case 1, 2 -> 1 + c.nextInt(125);
            case 3 -> 125 + c.nextInt(3);
            case 4 -> 126 + c.nextInt(2000);
            case 5 -> 65530 + c.nextInt(10);
            case 6 -> c.nextInt(40);
            default -> 65536 + c.nextInt(70_000);
        };
    }

    static byte[] binary(Choices c, int n) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = (byte) c.nextInt(256);
        }
        return a;
    }

    /** About {@code n} bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte code points (never a surrogate). */
    static byte[] text(Choices c, int n) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        int style = c.nextInt(3); // 0: ASCII only, 1: mostly ASCII, 2: anything
        while (bytes < n) {
            int cp;
            int k = style == 0 ? 0 : style == 1 ? (c.chance(10) ? 1 + c.nextInt(3) : 0) : c.nextInt(4);
            switch (k) {
                case 0 -> cp = c.nextInt(0x80);
                case 1 -> cp = 0x80 + c.nextInt(0x800 - 0x80);
                case 2 -> {
                    cp = 0x800 + c.nextInt(0x10000 - 0x800);
                    if (cp >= 0xD800 && cp <= 0xDFFF) {
                        cp = 0xFFFD;
                    }
                }
                default -> cp = 0x10000 + c.nextInt(0x110000 - 0x10000);
            }
            sb.appendCodePoint(cp);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
