package dev.sleet.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Coverage-guided fuzzing of raw bytes into the parser and assembler, as a server (RFC 6455 §5.1: masked input
 * expected) and as a client (unmasked input, with a test extension owning RSV1).
 *
 * <p>For every input: the only exceptions are the codec's own {@link WebSocketException}s; the reassembly
 * buffer never grows past the message limit whatever lengths the headers declare; and the outcome (messages
 * and close code) is the same whether the input arrives whole, one byte at a time or cut at random points, and
 * whether messages are delivered whole or streamed. A plain test run replays the saved inputs under
 * {@code src/test/resources/dev/sleet/frame/FrameParserFuzzTestInputs/}; {@code ./sleet fuzz} explores.
 */
class FrameParserFuzzTest {
    static final long MAX_FRAME = 1_000;
    static final long MAX_MESSAGE = 1_500;

    @FuzzTest(maxDuration = "60s")
    void serverRole(byte @NotNull [] input) {
        check(Role.SERVER, false, input);
    }

    @FuzzTest(maxDuration = "60s")
    void clientRole(byte @NotNull [] input) {
        check(Role.CLIENT, true, input);
    }

    static void check(Role role, boolean extension, byte[] input) {
        Outcome whole = run(role, extension, input, false, 0);
        Outcome bytewise = run(role, extension, input, false, 1);
        Outcome streamed = run(role, extension, input, true, -1);
        assertEquals(whole, bytewise, "one byte at a time");
        assertEquals(whole, streamed, "random cuts, streaming");
    }

    record Outcome(List<String> events, int closeCode) {
    }

    /** @param chunk 0: whole; 1: byte by byte; -1: random cuts seeded by the input */
    static Outcome run(Role role, boolean extension, byte[] input, boolean streaming, int chunk) {
        RunLengthExtension ext = extension ? new RunLengthExtension(0) : null;
        FrameParser parser = new FrameParser(role, MAX_FRAME, extension ? Rsv.RSV1 : 0);
        Recorder recorder = new Recorder();
        MessageAssembler assembler = MessageAssembler.builder(recorder)
                .maxMessageSize(MAX_MESSAGE).streaming(streaming).extension(ext).build();
        int code = -1;
        try {
            if (chunk == 0) {
                Feed.whole(parser, assembler, input);
            } else if (chunk == 1) {
                Feed.chunks(parser, assembler, input, 1);
            } else {
                Feed.random(parser, assembler, input, new SplittableRandom(Arrays.hashCode(input)), 17);
            }
        } catch (WebSocketException e) {
            code = e.closeCode();
            assertTrue(parser.isFailed(), "parser terminal after " + e);
            assertTrue(CloseCodes.isValidOnWire(code), "close code " + code + " can be sent");
        } finally {
            assembler.close();
        }
        assertTrue(assembler.bufferCapacity() <= MAX_MESSAGE, "buffer " + assembler.bufferCapacity() + " > limit");
        return new Outcome(new ArrayList<>(recorder.events), code);
    }
}
