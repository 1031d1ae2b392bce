package dev.sleet.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.handshake.spi.ExtensionOffer;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the inflate path (RFC 7692 §7.2.2): arbitrary bytes as the payload of compressed
 * messages, through Sleet's parser, assembler and inflater, as a server reads them.
 *
 * <p>Input layout: byte 0 picks the mode (bit 0: client context takeover off; bit 1: binary; bit 2: streaming
 * delivery), byte 1 the fragment size (1–256), the rest is split at every {@code 0xA5} byte into consecutive
 * compressed messages. For every input: the only failures are 1007 (data zlib rejects, or bad UTF-8) and 1009 (over
 * the 4 KiB cap); no message inflates past the cap by more than one 16 KiB buffer; the same messages are
 * delivered, and the input fails or not, whether each message arrives in one frame or fragmented; and closing the codec returns every inflater it took. A plain
 * test run replays {@code src/test/resources/dev/sleet/deflate/InflationFuzzTestInputs/}; {@code ./sleet fuzz}
 * explores.
 */
class InflationFuzzTest {
    static final int CAP = 4096;

    @FuzzTest(maxDuration = "60s")
    void compressedPayloads(byte @NotNull [] input) {
        if (input.length < 2) {
            return;
        }
        int mode = input[0];
        int fragment = 1 + (input[1] & 0xFF);
        List<byte[]> messages = split(Arrays.copyOfRange(input, 2, input.length));
        String offer = (mode & 1) != 0 ? "permessage-deflate; client_no_context_takeover" : "permessage-deflate";
        DeflateAgreement agreement = new PerMessageDeflate().agree(ExtensionOffer.parseHeader(offer));
        Opcode opcode = (mode & 2) != 0 ? Opcode.BINARY : Opcode.TEXT;
        boolean streaming = (mode & 4) != 0;

        long inUse = PerMessageDeflate.metrics().inflatersInUse();
        Outcome whole = run(agreement, messages, opcode, Integer.MAX_VALUE, streaming);
        Outcome pieces = run(agreement, messages, opcode, fragment, streaming);
        // The same messages come out either way, and the input fails either way or not at all. (Which code it fails
        // with may differ: a message both too big and bad UTF-8 is caught by whichever check sees its bytes first.)
        assertEquals(whole.events(), pieces.events(), "whole frames vs fragments of " + fragment);
        assertEquals(whole.failure() < 0, pieces.failure() < 0, "whole frames vs fragments of " + fragment);
        assertEquals(inUse, PerMessageDeflate.metrics().inflatersInUse(), "every inflater returned on close");
    }

    record Outcome(List<String> events, int failure) {
    }

    static Outcome run(DeflateAgreement agreement, List<byte[]> messages, Opcode opcode, int fragment,
            boolean streaming) {
        long before = PerMessageDeflate.metrics().bytesInflated();
        int delivered = 0;
        try (ServerCodec codec = new ServerCodec(agreement, CAP, streaming)) {
            for (byte[] m : messages) {
                if (m.length <= fragment) {
                    codec.feed(ServerCodec.frame(true, Rsv.RSV1, opcode, m));
                } else {
                    for (int i = 0; i < m.length; i += fragment) {
                        int end = Math.min(m.length, i + fragment);
                        codec.feed(ServerCodec.frame(end == m.length, i == 0 ? Rsv.RSV1 : 0,
                                i == 0 ? opcode : Opcode.CONTINUATION, Arrays.copyOfRange(m, i, end)));
                    }
                }
                if (codec.failure >= 0) {
                    break;
                }
                delivered++;
            }
            long inflated = PerMessageDeflate.metrics().bytesInflated() - before;
            // Delivered messages are within the cap; the failing one may overshoot by one buffer at most.
            assertTrue(inflated <= (long) (delivered + 1) * (CAP + 16 * 1024), "inflated " + inflated);
            assertTrue(codec.failure == -1 || codec.failure == 1007 || codec.failure == 1009,
                    "failure " + codec.failure + " " + codec.failureMessage);
            return new Outcome(List.copyOf(codec.events), codec.failure);
        }
    }

    static List<byte[]> split(byte[] data) {
        java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == (byte) 0xA5) {
                out.add(Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
