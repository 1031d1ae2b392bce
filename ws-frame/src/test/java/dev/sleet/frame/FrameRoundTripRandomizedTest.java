package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: for random valid traffic — random opcodes, lengths in all three encodings (RFC 6455 §5.2), masked
 * client frames and unmasked server frames (§5.3), fragmentation by the writer or by hand with control frames
 * between the fragments (§5.4) — writing it, cutting the bytes at random points and parsing them gives back the
 * same messages, delivered whole or streamed; with a message limit below the largest message, the receiver
 * fails with 1009 exactly at the frame that crosses it (FRAG-03).
 *
 * <p>Seeds 0–59 run every time, plus 15 fresh ones; each seed is in the test name, and
 * {@code -Dsleet.seed=<seed>} replays one.
 */
class FrameRoundTripRandomizedTest {

    static LongStream seeds() {
        String replay = System.getProperty("sleet.seed");
        if (replay != null) {
            return LongStream.of(Long.parseLong(replay));
        }
        SplittableRandom fresh = new SplittableRandom();
        return LongStream.concat(LongStream.range(0, 60), LongStream.generate(fresh::nextLong).limit(15));
    }

    static Traffic.Choices choices(SplittableRandom r) {
        return r::nextInt;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writeSplitParseGivesBackTheMessages(long seed) {
        try {
            run(seed);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " failed; replay with -Dsleet.seed=" + seed + ": " + e, e);
        }
    }

    static void run(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Role sender = r.nextBoolean() ? Role.CLIENT : Role.SERVER;
        Traffic t = Traffic.generate(choices(r), sender, 12, r.nextInt(4) == 0);
        long limit = r.nextInt(5) == 0 ? r.nextLong(t.largestMessage + 1) : MessageAssembler.DEFAULT_MAX_MESSAGE_SIZE;
        Traffic.Expected expected = t.expect(limit);
        if (limit == MessageAssembler.DEFAULT_MAX_MESSAGE_SIZE) {
            assertEquals(t.messages, expected.events());
        }
        for (boolean streaming : new boolean[] {false, true}) {
            Recorder rec = new Recorder();
            FrameParser parser = new FrameParser(sender == Role.CLIENT ? Role.SERVER : Role.CLIENT, Long.MAX_VALUE);
            MessageAssembler assembler = MessageAssembler.builder(rec).maxMessageSize(limit).streaming(streaming).build();
            int code = -1;
            try {
                int maxChunk = r.nextInt(3) == 0 && t.wire.length < 50_000 ? 3 : 1 + r.nextInt(5000);
                Feed.random(parser, assembler, t.wire, r.split(), maxChunk);
            } catch (WebSocketException e) {
                code = e.closeCode();
            }
            assertEquals(expected.events(), rec.events, streaming ? "streamed" : "whole");
            assertEquals(expected.closeCode(), code, "close code");
            assertTrue(assembler.bufferCapacity() <= limit);
            if (code == -1) {
                assertTrue(parser.isAtFrameBoundary());
            }
        }
    }
}
