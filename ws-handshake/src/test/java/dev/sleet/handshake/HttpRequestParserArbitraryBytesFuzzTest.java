package dev.sleet.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of raw bytes into the request parser and on into the negotiator and the response
 * writers (PROTO-08: bad input gets a status, never a crash). In a plain test run it replays the inputs under
 * {@code src/test/resources/.../HttpRequestParserArbitraryBytesFuzzTestInputs/parse}; {@code ./sleet fuzz} and
 * {@code .ci/run} fuzz it for a bounded time.
 *
 * <p>Checked for every input: only {@link HandshakeException} escapes; the outcome is the same whole and split
 * at a point chosen by the input; a complete head ends with CRLF CRLF and leaves the rest of the buffer alone;
 * small limits and default limits both hold.
 */
class HttpRequestParserArbitraryBytesFuzzTest {

    private static final InetSocketAddress ADDRESS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
    private static final HttpLimits SMALL = new HttpLimits(64, 8, 256);
    private static final HandshakeNegotiator NEGOTIATOR = new HandshakeNegotiator(HandshakeConfig.builder()
            .subprotocols("chat", "mqtt")
            .originPolicy(OriginPolicy.allowOnly("https://example.com", "https://*.example.org"))
            .build());

    @FuzzTest(maxDuration = "60s")
    void parse(byte @NotNull [] data) {
        check(data, HttpLimits.defaults());
        check(data, SMALL);
    }

    private static void check(byte[] data, HttpLimits limits) {
        String whole = outcome(data, limits, new int[0]);
        if (data.length > 1) {
            int cut = 1 + Math.floorMod(Arrays.hashCode(data), data.length - 1);
            int cut2 = Math.min(data.length, cut + 1 + (data[0] & 0b111));
            assertEquals(whole, outcome(data, limits, new int[] {cut, cut2}), "split at " + cut + "," + cut2);
        }
    }

    /** A description of what happened, equal for equal outcomes. */
    private static String outcome(byte[] data, HttpLimits limits, int[] cuts) {
        HttpRequestParser parser = new HttpRequestParser(limits);
        int from = 0;
        try {
            for (int c = 0; c <= cuts.length; c++) {
                int to = c < cuts.length ? cuts[c] : data.length;
                ByteBuffer piece = ByteBuffer.wrap(data, from, to - from);
                if (parser.parse(piece)) {
                    int end = piece.position();
                    assertTrue(end >= 4 && data[end - 4] == '\r' && data[end - 3] == '\n' && data[end - 2] == '\r'
                            && data[end - 1] == '\n', "a complete head ends with CRLF CRLF");
                    assertEquals(to, piece.limit(), "the parser leaves the limit alone");
                    return "complete at " + end + ": " + handshake(parser.request());
                }
                assertEquals(0, piece.remaining(), "an incomplete head consumes the whole buffer");
                from = to;
            }
            return "incomplete";
        } catch (HandshakeException e) {
            assertTrue(e.status() >= 400 && e.status() < 500, e.getMessage());
            assertTrue(HandshakeResponses.error(e).remaining() > 0);
            return "refused " + e.getMessage();
        }
    }

    private static String handshake(HttpRequest request) {
        try {
            HandshakeResult result = NEGOTIATOR.negotiate(request);
            UpgradeRequest view = TestRequests.upgrade(request, ADDRESS, ADDRESS);
            assertEquals(request.path(), view.path());
            assertTrue(HandshakeResponses.switchingProtocols(result).remaining() > 0);
            return request + " -> 101 " + result + " " + view.queryParams();
        } catch (HandshakeException e) {
            assertTrue(e.status() == 400 || e.status() == 403 || e.status() == 426, e.getMessage());
            return request + " -> " + e.getMessage();
        }
    }
}
