package dev.sleet.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of raw bytes into {@link ProxyProtocolParser}: only {@link ProxyProtocolException}
 * escapes, the outcome is the same whole and split at a point chosen by the input, a complete header is at most
 * 107 (v1) or 4096 (v2) bytes and the parser reads no byte past it. A plain test run replays saved inputs only.
 */
class ProxyProtocolParserArbitraryBytesFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parse(byte @NotNull [] data) {
        String whole = outcome(data, data.length);
        if (data.length > 1) {
            int cut = 1 + Math.floorMod(Arrays.hashCode(data), data.length - 1);
            assertEquals(whole, outcome(data, cut), "split at " + cut);
        }
    }

    private static String outcome(byte[] data, int cut) {
        ProxyProtocolParser p = new ProxyProtocolParser();
        try {
            ByteBuffer a = ByteBuffer.wrap(data, 0, cut);
            int end;
            if (p.parse(a)) {
                end = a.position();
            } else {
                ByteBuffer b = ByteBuffer.wrap(data, cut, data.length - cut);
                if (!p.parse(b)) {
                    return "more";
                }
                end = b.position();
            }
            assertTrue(end <= (p.header().version() == 1 ? 107 : 4096), "header size");
            return "ok " + end + " " + p.header();
        } catch (ProxyProtocolException e) {
            return "bad " + e.getMessage();
        }
    }
}
