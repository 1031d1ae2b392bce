package dev.sleet.rooms.redis.internal;

import dev.sleet.rooms.spi.RemoteBroadcast;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The body of a broadcast on a room's channel. The room itself is the channel; the body carries the rest:
 *
 * <pre>
 *   0      1      2      3            4 .. 4+n-1      +8       +8     +8          rest
 *  +------+------+------+------------+---------------+--------+------+-----------+---------+
 *  | 'S'  | 0x01 | flags| n = origin | origin node   | epoch  | seq  | except id | payload |
 *  |      | ver. | b0:  |   length   | (ASCII, 1-64) | (i64)  | (i64)| (i64)     |         |
 *  |      |      | text |            |               |        |      |           |         |
 *  +------+------+------+------------+---------------+--------+------+-----------+---------+
 * </pre>
 *
 * {@code epoch} and {@code seq} number the origin's broadcasts to one room (see {@link SequenceTracker}), so a
 * receiver can count what it missed and drop what it already had. Bodies that do not parse are refused with a
 * reason, never an exception.
 */
public final class Wire {
    static final byte MAGIC = 'S';
    static final byte VERSION = 1;
    static final int FLAG_TEXT = 0b0000_0001;
    private static final int FIXED = 4 + 8 + 8 + 8;

    private Wire() {
    }

    /** A parsed body; {@code payload} is a read-only view into the body's bytes. */
    public record Decoded(String origin, boolean text, long epoch, long seq, long exceptId, ByteBuffer payload) {
    }

    public static byte[] encode(RemoteBroadcast b, byte[] origin, long epoch, long seq) {
        ByteBuffer payload = b.payload().duplicate();
        ByteBuffer out = ByteBuffer.allocate(FIXED + origin.length + payload.remaining());
        out.put(MAGIC).put(VERSION).put((byte) (b.text() ? FLAG_TEXT : 0)).put((byte) origin.length).put(origin)
                .putLong(epoch).putLong(seq).putLong(b.exceptId()).put(payload);
        return out.array();
    }

    /** True when {@code body} is a broadcast published by {@code origin} (checked without decoding it). */
    public static boolean isFrom(byte[] body, byte[] origin) {
        if (body == null || body.length < FIXED + origin.length || body[0] != MAGIC || body[1] != VERSION
                || (body[3] & 0xFF) != origin.length) {
            return false;
        }
        return java.util.Arrays.equals(body, 4, 4 + origin.length, origin, 0, origin.length);
    }

    /** The body parsed, or null when it is not one of ours (then {@code why[0]} says what is wrong). */
    public static Decoded decode(byte[] body, String[] why) {
        if (body == null || body.length < FIXED + 1) {
            why[0] = "too short";
            return null;
        }
        if (body[0] != MAGIC || body[1] != VERSION) {
            why[0] = "unknown magic or version";
            return null;
        }
        int flags = body[2] & 0xFF;
        if ((flags & ~FLAG_TEXT) != 0) {
            why[0] = "unknown flags";
            return null;
        }
        int n = body[3] & 0xFF;
        if (n < 1 || n > 64 || body.length < FIXED + n) {
            why[0] = "bad origin length";
            return null;
        }
        for (int i = 4; i < 4 + n; i++) {
            byte c = body[i];
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
                    || c == '_' || c == '-';
            if (!ok) {
                why[0] = "bad origin";
                return null;
            }
        }
        String origin = new String(body, 4, n, StandardCharsets.US_ASCII);
        ByteBuffer in = ByteBuffer.wrap(body, 4 + n, body.length - 4 - n);
        long epoch = in.getLong();
        long seq = in.getLong();
        long except = in.getLong();
        return new Decoded(origin, (flags & FLAG_TEXT) != 0, epoch, seq, except, in.slice().asReadOnlyBuffer());
    }
}
