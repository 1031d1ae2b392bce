package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Incremental UTF-8 validation (RFC 3629 §3–§4; RFC 6455 §5.6, §8.1; PROTO-05; Autobahn 6.x). Each case is
 * checked alone and inside ASCII runs long enough for the fast path, split at every byte position, fed one byte
 * at a time, and sent as a fragmented text message cut at every position — a bad sequence fails with 1007 on
 * exactly the byte that makes it bad, even when that byte is in a later fragment than the sequence's start.
 */
class Utf8ValidatorBoundariesTest {

    /**
     * @param bytes the sequence
     * @param badAt index of the first byte that cannot continue valid UTF-8; -1 for valid input; {@code length}
     *     when the input is a valid prefix cut short (fails only at the end of the message)
     */
    record Case(String name, String bytes, int badAt) {
        byte[] data() {
            return HexFormat.of().parseHex(bytes.replace(" ", ""));
        }

        @Override
        public String toString() {
            return name + " [" + bytes + "]";
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // Valid boundaries of each sequence length.
        c.add(new Case("U+0000", "00", -1));
        c.add(new Case("U+007F", "7f", -1));
        c.add(new Case("U+0080", "c2 80", -1));
        c.add(new Case("U+07FF", "df bf", -1));
        c.add(new Case("U+0800", "e0 a0 80", -1));
        c.add(new Case("U+D7FF (last before surrogates)", "ed 9f bf", -1));
        c.add(new Case("U+E000 (first after surrogates)", "ee 80 80", -1));
        c.add(new Case("U+FFFD", "ef bf bd", -1));
        c.add(new Case("U+FFFF", "ef bf bf", -1));
        c.add(new Case("U+10000", "f0 90 80 80", -1));
        c.add(new Case("U+10FFFF", "f4 8f bf bf", -1));
        c.add(new Case("κόσμε (Autobahn 6.2.1)", "ce ba e1 bd b9 cf 83 ce bc ce b5", -1));
        // Overlong forms.
        c.add(new Case("overlong NUL, 2 bytes", "c0 80", 0));
        c.add(new Case("overlong U+007F, 2 bytes", "c1 bf", 0));
        c.add(new Case("overlong NUL, 3 bytes", "e0 80 80", 1));
        c.add(new Case("overlong U+07FF, 3 bytes", "e0 9f bf", 1));
        c.add(new Case("overlong NUL, 4 bytes", "f0 80 80 80", 1));
        c.add(new Case("overlong U+FFFF, 4 bytes", "f0 8f bf bf", 1));
        c.add(new Case("5-byte form", "f8 88 80 80 80", 0));
        c.add(new Case("6-byte form", "fc 84 80 80 80 80", 0));
        // UTF-16 surrogates encoded as UTF-8.
        c.add(new Case("U+D800", "ed a0 80", 1));
        c.add(new Case("U+DBFF", "ed af bf", 1));
        c.add(new Case("U+DC00", "ed b0 80", 1));
        c.add(new Case("U+DFFF", "ed bf bf", 1));
        c.add(new Case("surrogate pair U+D800 U+DC00", "ed a0 80 ed b0 80", 1));
        // Beyond U+10FFFF.
        c.add(new Case("U+110000", "f4 90 80 80", 1));
        c.add(new Case("U+13FFFF", "f4 bf bf bf", 1));
        c.add(new Case("lead F5", "f5 80 80 80", 0));
        c.add(new Case("lead F7", "f7 bf bf bf", 0));
        c.add(new Case("byte FE", "fe", 0));
        c.add(new Case("byte FF", "ff", 0));
        // Stray and missing continuation bytes.
        c.add(new Case("lone continuation 80", "80", 0));
        c.add(new Case("lone continuation BF", "bf", 0));
        c.add(new Case("2-byte lead then ASCII", "c2 41", 1));
        c.add(new Case("3-byte lead, 1 continuation, then ASCII", "e1 80 41", 2));
        c.add(new Case("4-byte lead, 2 continuations, then a lead", "f1 80 80 c2", 3));
        c.add(new Case("too many continuations", "c2 80 80", 2));
        // Truncated at the end of the message.
        c.add(new Case("truncated 2-byte", "c2", 1));
        c.add(new Case("truncated 3-byte", "e0 a0", 2));
        c.add(new Case("truncated 4-byte after 1", "f0", 1));
        c.add(new Case("truncated 4-byte after 3", "f4 8f bf", 3));
        return c.stream();
    }

    static boolean jdkAccepts(byte[] data) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The sequence between two ASCII runs of 37 bytes, so the fast path runs before and after it. */
    static byte[] embedded(byte[] seq) {
        byte[] pad = "The quick brown fox jumps over a dog.".getBytes(StandardCharsets.US_ASCII);
        return Feed.concat(pad, seq, pad);
    }

    /** Feeds the parts to one validator; returns the absolute index of the failing byte, or -1. */
    static int failureIndex(byte[] data, int... cuts) {
        Utf8Validator v = new Utf8Validator();
        int from = 0;
        int[] all = java.util.Arrays.copyOf(cuts, cuts.length + 1);
        all[cuts.length] = data.length;
        for (int to : all) {
            try {
                v.validate(ByteBuffer.wrap(data), from, to);
            } catch (InvalidPayloadException e) {
                assertEquals(1007, e.closeCode());
                assertTrue(v.isFailed());
                // The failing byte is in this part; find it by validating prefixes.
                for (int k = from; k < to; k++) {
                    if (!prefixOk(data, k + 1)) {
                        assertTrue(e.getMessage().contains("at byte " + k), e.getMessage());
                        return k;
                    }
                }
                throw new AssertionError("failure not reproducible by prefixes");
            }
            from = to;
        }
        try {
            v.finish();
            return -1;
        } catch (InvalidPayloadException e) {
            return data.length;
        }
    }

    static boolean prefixOk(byte[] data, int n) {
        Utf8Validator v = new Utf8Validator();
        try {
            v.validate(ByteBuffer.wrap(data, 0, n));
            return true;
        } catch (InvalidPayloadException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aloneAndEmbeddedAgreeWithRfc3629(Case c) {
        byte[] seq = c.data();
        assertEquals(c.badAt < 0, jdkAccepts(seq), "the JDK's strict decoder agrees on validity");
        assertEquals(c.badAt < 0, Utf8Validator.isValid(ByteBuffer.wrap(seq)));
        assertEquals(c.badAt, failureIndex(seq));
        byte[] e = embedded(seq);
        int expected = c.badAt < 0 ? -1 : c.badAt == seq.length ? 37 + seq.length : 37 + c.badAt;
        // Embedded, a truncated sequence fails on the ASCII byte that follows it.
        assertEquals(expected, failureIndex(e));
        assertEquals(c.badAt < 0, Utf8Validator.isValid(ByteBuffer.wrap(e)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everySplitPositionAndByteByByte(Case c) {
        byte[] e = embedded(c.data());
        int expected = failureIndex(e);
        for (int cut = 0; cut <= e.length; cut++) {
            assertEquals(expected, failureIndex(e, cut), "cut at " + cut);
        }
        for (int a = 30; a <= 37 + c.data().length + 2; a++) {
            for (int b = a; b <= 37 + c.data().length + 3; b++) {
                assertEquals(expected, failureIndex(e, a, b), "cuts at " + a + ", " + b);
            }
        }
        int[] all = new int[e.length - 1];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        assertEquals(expected, failureIndex(e, all), "byte by byte");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void acrossFragmentsOfATextMessage(Case c) {
        // RFC 6455 §5.6 / Autobahn 6.x: a code point may be split across fragments; bad UTF-8 fails with 1007
        // when the fragment holding the bad byte arrives, before the message is complete.
        byte[] e = embedded(c.data());
        for (int cut = 0; cut <= e.length; cut++) {
            byte[] first = Feed.bytes(Frames.maskedFrame(false, 0, Opcode.TEXT, ByteBuffer.wrap(e, 0, cut), 0x0badf00d));
            byte[] second = Feed.bytes(Frames.maskedFrame(true, 0, Opcode.CONTINUATION, ByteBuffer.wrap(e, cut, e.length - cut), 0x12345678));
            for (boolean streaming : new boolean[] {false, true}) {
                Recorder r = new Recorder();
                FrameParser parser = new FrameParser(Role.SERVER, 1 << 16);
                MessageAssembler a = MessageAssembler.builder(r).streaming(streaming).build();
                int failedIn = 0;
                try {
                    Feed.whole(parser, a, first);
                    failedIn = 1;
                    Feed.whole(parser, a, second);
                    failedIn = 2;
                } catch (WebSocketException ex) {
                    assertEquals(1007, ex.closeCode());
                }
                if (c.badAt < 0) {
                    assertEquals(2, failedIn);
                    assertEquals(List.of("T:" + new String(e, StandardCharsets.UTF_8)), r.events);
                } else {
                    int bad = c.badAt == c.data().length ? 37 + c.data().length : 37 + c.badAt;
                    assertEquals(bad < cut ? 0 : 1, failedIn, "cut at " + cut + ": failed in the fragment holding byte " + bad);
                    assertEquals(List.of(), r.events);
                }
            }
        }
    }

    @Test
    void everyCodePointIsAccepted() {
        // All of U+0000..U+10FFFF except the surrogates, encoded by the JDK, in one buffer and in pieces.
        StringBuilder sb = new StringBuilder();
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            if (cp < 0xD800 || cp > 0xDFFF) {
                sb.appendCodePoint(cp);
            }
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(Utf8Validator.isValid(ByteBuffer.wrap(all)));
        Utf8Validator v = new Utf8Validator();
        for (int i = 0; i < all.length; i += 4093) {
            v.validate(ByteBuffer.wrap(all), i, Math.min(all.length, i + 4093));
        }
        v.finish();
        assertEquals(all.length, v.count());
        ByteBuffer direct = ByteBuffer.allocateDirect(all.length).put(all).flip();
        assertTrue(Utf8Validator.isValid(direct));
    }

    @Test
    void everyTwoAndThreeByteSequenceMatchesTheJdk() {
        // Exhaustive over two bytes (with an ASCII tail) and over all E0..EF leads with every continuation pair.
        for (int b0 = 0; b0 < 256; b0++) {
            for (int b1 = 0; b1 < 256; b1++) {
                byte[] s = {(byte) b0, (byte) b1};
                assertEquals(jdkAccepts(s), Utf8Validator.isValid(s, 0, 2), () -> HexFormat.of().formatHex(s));
            }
        }
        byte[] s = new byte[3];
        for (int b0 = 0xE0; b0 <= 0xEF; b0++) {
            for (int b1 = 0; b1 < 256; b1++) {
                for (int b2 = 0x70; b2 < 0xD0; b2++) {
                    s[0] = (byte) b0;
                    s[1] = (byte) b1;
                    s[2] = (byte) b2;
                    boolean jdk = b1 >= 0x80 && b1 <= 0xBF && b2 >= 0x80 && b2 <= 0xBF
                            && !(b0 == 0xE0 && b1 < 0xA0) && !(b0 == 0xED && b1 > 0x9F);
                    assertEquals(jdk, Utf8Validator.isValid(s, 0, 3), () -> HexFormat.of().formatHex(s));
                }
            }
        }
        assertEquals(jdkAccepts(new byte[] {(byte) 0xED, (byte) 0x9F, (byte) 0xBF}), true);
        assertFalse(jdkAccepts(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
    }

    @Test
    void randomSequencesMatchTheJdk() {
        // Random byte strings biased towards UTF-8 structure, against the JDK's REPORT-mode decoder.
        long seed = Long.getLong("sleet.seed", new SplittableRandom().nextLong());
        SplittableRandom r = new SplittableRandom(seed);
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
                0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        for (int n = 0; n < 5_000; n++) {
            byte[] s = new byte[r.nextInt(1, 24)];
            for (int i = 0; i < s.length; i++) {
                s[i] = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : interesting[r.nextInt(interesting.length)]);
            }
            boolean expected = jdkAccepts(s);
            assertEquals(expected, Utf8Validator.isValid(s, 0, s.length),
                    () -> "seed " + seed + " (-Dsleet.seed to replay): " + HexFormat.of().formatHex(s));
            int cut = r.nextInt(s.length + 1);
            assertEquals(expected, failureIndex(s, cut) < 0, () -> "seed " + seed + ": " + HexFormat.of().formatHex(s));
        }
    }

    @Test
    void failedValidatorStaysFailedUntilReset() {
        Utf8Validator v = new Utf8Validator();
        assertThrows(InvalidPayloadException.class, () -> v.validate(ByteBuffer.wrap(new byte[] {(byte) 0xFF})));
        assertThrows(InvalidPayloadException.class, () -> v.validate(ByteBuffer.wrap("ok".getBytes())));
        assertThrows(InvalidPayloadException.class, v::finish);
        v.reset();
        v.validate(ByteBuffer.wrap("ok".getBytes()));
        v.finish();
        assertTrue(v.isComplete());
    }
}
