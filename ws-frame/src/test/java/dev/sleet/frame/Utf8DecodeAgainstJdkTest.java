package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Received text, end to end through the codec, against the JDK as the oracle. Seeded random inputs: valid text with
 * 1- to 4-byte characters, and the same with one damage — a stray continuation byte, a cut sequence, an overlong
 * form, an encoded surrogate (ED A0 80), a code point above U+10FFFF, a bad lead byte. {@link Utf8#decode} (heap at
 * any array offset, direct) gives the JDK's string; through the assembler, split into fragments at random points
 * (inside characters too) and fed in random buffer kinds and sizes, whole or streaming, text the JDK's strict
 * decoder accepts arrives as the JDK decodes it and anything else fails with 1007. The seed is in every failure
 * message.
 */
class Utf8DecodeAgainstJdkTest {
    private static final byte[][] DAMAGE = {
            {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC3}, {(byte) 0xE4, (byte) 0xBD}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x99},
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xED, (byte) 0xBF, (byte) 0xBF},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xF8}, {(byte) 0xFF}, {(byte) 0xFE},
            {(byte) 0xE4, 0x41, (byte) 0xA0}, {(byte) 0xC3, (byte) 0xC3}};

    @Test
    void decodeEqualsTheJdkOnRandomValidAndDamagedBytes() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 3000; round++) {
            byte[] valid = validText(random, random.nextInt(round % 10 == 0 ? 5000 : 60));
            byte[] input = round % 2 == 0 ? valid : damaged(random, valid);
            String where = "seed " + seed + ", round " + round;
            int off = random.nextInt(4);
            byte[] framed = new byte[off + input.length + 3];
            System.arraycopy(input, 0, framed, off, input.length);
            assertEquals(new String(input, StandardCharsets.UTF_8),
                    Utf8.decode(ByteBuffer.wrap(framed, off, input.length).slice()), where);
            ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
            assertEquals(new String(input, StandardCharsets.UTF_8), Utf8.decode(direct), where + " (direct)");
        }
    }

    @Test
    void fragmentedTextThroughTheAssemblerIsTheJdksStringOr1007() {
        long seed = System.nanoTime();
        SplittableRandom split = new SplittableRandom(seed);
        Random random = new Random(seed);
        for (int round = 0; round < 600; round++) {
            byte[] valid = validText(random, random.nextInt(round % 8 == 0 ? 3000 : 80));
            boolean damage = round % 2 == 1;
            byte[] input = damage ? damaged(random, valid) : valid;
            String where = "seed " + seed + ", round " + round;
            boolean strictlyValid = isValid(input);
            List<ByteBuffer> frames = fragments(input, split);
            byte[] wire = Feed.concat(frames);
            for (boolean streaming : new boolean[] {false, true}) {
                Recorder recorder = new Recorder();
                MessageAssembler assembler = MessageAssembler.builder(recorder).streaming(streaming).build();
                FrameParser parser = new FrameParser(Role.SERVER, 1 << 20);
                if (strictlyValid) {
                    Feed.random(parser, assembler, wire, split, 1 + split.nextInt(64));
                    assertEquals(List.of("T:" + new String(input, StandardCharsets.UTF_8)), recorder.events, where);
                } else {
                    InvalidPayloadException e = assertThrows(InvalidPayloadException.class,
                            () -> Feed.random(parser, assembler, wire, split, 1 + split.nextInt(64)), where);
                    assertEquals(CloseCodes.INVALID_PAYLOAD, e.closeCode(), where);
                }
            }
        }
    }

    /** Whether the JDK's strict decoder accepts {@code b} (the oracle for "valid UTF-8"). */
    private static boolean isValid(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The message as masked client frames: TEXT, then CONTINUATIONs, cut at random byte offsets. */
    private static List<ByteBuffer> fragments(byte[] input, SplittableRandom random) {
        List<ByteBuffer> frames = new ArrayList<>();
        int at = 0;
        boolean first = true;
        do {
            int n = at == input.length ? 0 : Math.min(input.length - at, 1 + random.nextInt(Math.max(1, input.length / 2 + 1)));
            boolean fin = at + n == input.length;
            frames.add(Frames.maskedFrame(fin, 0, first ? Opcode.TEXT : Opcode.CONTINUATION,
                    ByteBuffer.wrap(input, at, n), random.nextInt()));
            at += n;
            first = false;
        } while (at < input.length);
        return frames;
    }

    private static byte[] validText(Random random, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int r = random.nextInt(10);
            int cp = switch (r) {
                case 0, 1, 2, 3 -> random.nextInt(0x80);
                case 4, 5 -> 0x80 + random.nextInt(0x780);
                case 6, 7 -> {
                    int c = 0x800 + random.nextInt(0x10000 - 0x800);
                    yield c >= 0xD800 && c < 0xE000 ? 0xFFFD : c;
                }
                default -> 0x10000 + random.nextInt(0x100000);
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] damaged(Random random, byte[] valid) {
        byte[] d = DAMAGE[random.nextInt(DAMAGE.length)];
        int at = valid.length == 0 ? 0 : random.nextInt(valid.length + 1);
        byte[] out = new byte[valid.length + d.length];
        System.arraycopy(valid, 0, out, 0, at);
        System.arraycopy(d, 0, out, at, d.length);
        System.arraycopy(valid, at, out, at + d.length, valid.length - at);
        return out;
    }
}
