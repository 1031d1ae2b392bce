package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.SplittableRandom;

/**
 * The write → split → parse property of {@link FrameRoundTripRandomizedTest}, driven by the fuzzer's data instead
 * of a seeded generator, so coverage feedback steers the choices of opcodes, lengths (RFC 6455 §5.2), masks
 * (§5.3), fragmentation and interleaved control frames (§5.4), output buffer sizes and input cuts.
 */
class FrameRoundTripFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void writeSplitParse(FuzzedDataProvider data) {
        Role sender = data.consumeBoolean() ? Role.CLIENT : Role.SERVER;
        long cutSeed = data.consumeLong();
        boolean streaming = data.consumeBoolean();
        int maxChunk = data.consumeInt(1, 300);
        Traffic.Choices choices = bound -> data.consumeInt(0, bound - 1);
        Traffic t = Traffic.generate(choices, sender, 6, false);
        Traffic.Expected expected = t.expect(MessageAssembler.DEFAULT_MAX_MESSAGE_SIZE);
        assertEquals(t.messages, expected.events());

        Recorder rec = new Recorder();
        FrameParser parser = new FrameParser(sender == Role.CLIENT ? Role.SERVER : Role.CLIENT, Long.MAX_VALUE);
        MessageAssembler assembler = MessageAssembler.builder(rec).streaming(streaming).build();
        Feed.random(parser, assembler, t.wire, new SplittableRandom(cutSeed), maxChunk);
        assertEquals(expected.events(), rec.events);
        assertTrue(parser.isAtFrameBoundary());
    }
}
