package dev.sleet.bench.frame;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Payload contents shared by the frame benchmarks. */
final class Payloads {
    private Payloads() {
    }

    /**
     * {@code size} bytes of chat-like text: ASCII words with a two-byte letter (é, ö, ñ) about every 40 bytes, so
     * validators see both their ASCII path and multi-byte sequences.
     */
    static byte[] mostlyAscii(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] out = new byte[size];
        byte[][] accents = {"é".getBytes(StandardCharsets.UTF_8), "ö".getBytes(StandardCharsets.UTF_8), "ñ".getBytes(StandardCharsets.UTF_8)};
        int i = 0;
        while (i < size) {
            if (i + 2 <= size && r.nextInt(40) == 0) {
                byte[] a = accents[r.nextInt(accents.length)];
                out[i++] = a[0];
                out[i++] = a[1];
            } else {
                out[i++] = r.nextInt(6) == 0 ? (byte) ' ' : (byte) ('a' + r.nextInt(26));
            }
        }
        return out;
    }

    /** {@code size} bytes of CJK text (three-byte UTF-8 sequences), padded with ASCII to the exact size. */
    static byte[] cjk(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        while (bytes + 3 <= size) {
            sb.append((char) (0x4E00 + r.nextInt(0x5000)));
            bytes += 3;
        }
        while (bytes < size) {
            sb.append('.');
            bytes++;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code size} random bytes. */
    static byte[] binary(int size, long seed) {
        byte[] out = new byte[size];
        new SplittableRandom(seed).nextBytes(out);
        return out;
    }
}
