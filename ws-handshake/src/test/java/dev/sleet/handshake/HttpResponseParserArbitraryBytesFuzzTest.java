package dev.sleet.handshake;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of raw bytes into the client's response parser and on into the handshake validator and the
 * proxy check (bad input gets a typed failure, never a crash or a hang). In a plain test run it replays the inputs
 * under {@code src/test/resources/.../HttpResponseParserArbitraryBytesFuzzTestInputs/parse}; {@code ./sleet fuzz}
 * and {@code .ci/run} fuzz it for a bounded time.
 *
 * <p>Checked for every input: only {@link ClientHandshakeException} escapes; the outcome is the same whole and split
 * at a point chosen by the input; a complete head ends with CRLF CRLF, is no longer than the limits allow, and
 * leaves the rest of the buffer alone; small and default limits both hold; the body prefix never exceeds its cap.
 */
class HttpResponseParserArbitraryBytesFuzzTest {

    private static final HttpResponseLimits SMALL = new HttpResponseLimits(24, 4, 96, 8);
    private static final ClientHandshake HANDSHAKE = ClientHandshake.builder(URI.create("ws://example.com/"))
            .subprotocols("chat").extension(new TestExtension.Client(3)).build();
    private static final HttpProxyConnect PROXY = HttpProxyConnect.to("example.com", 443);

    @FuzzTest(maxDuration = "60s")
    void parse(byte @NotNull [] data) {
        check(data, HttpResponseLimits.defaults());
        check(data, SMALL);
    }

    private static void check(byte[] data, HttpResponseLimits limits) {
        String whole = outcome(data, limits, -1);
        int cut = data.length == 0 ? 0 : (data[0] & 0xFF) % (data.length + 1);
        assertEquals(whole, outcome(data, limits, cut), "split at " + cut);
    }

    /** A string naming what happened: the failure, "more", or the head, the bytes left and the checks' outcomes. */
    private static String outcome(byte[] data, HttpResponseLimits limits, int cut) {
        HttpResponseParser p = new HttpResponseParser(limits);
        ByteBuffer in;
        try {
            boolean done;
            if (cut < 0) {
                in = ByteBuffer.wrap(data);
                done = p.parse(in);
            } else {
                ByteBuffer first = ByteBuffer.wrap(data, 0, cut);
                done = p.parse(first);
                in = ByteBuffer.wrap(data, first.position(), data.length - first.position());
                if (!done) {
                    assertEquals(cut, first.position(), "a short read is consumed whole");
                    done = p.parse(in);
                }
            }
            if (!done) {
                assertEquals(data.length, in.position(), "an incomplete head consumes everything");
                try {
                    p.endOfInput();
                } catch (ClientHandshakeException e) {
                    assertEquals(ClientHandshakeException.Failure.TRUNCATED_RESPONSE, e.failure());
                }
                return "more";
            }
        } catch (ClientHandshakeException e) {
            return "fail " + e.failure() + " " + e.reason();
        }
        int headEnd = in.position();
        assertTrue(headEnd >= 4 && data[headEnd - 1] == '\n' && data[headEnd - 2] == '\r'
                && data[headEnd - 3] == '\n' && data[headEnd - 4] == '\r', "a head ends with CRLF CRLF");
        assertTrue(headEnd <= limits.maxStatusLineLength() + 2 + limits.maxHeaderBytes(), "head within the limits");
        HttpResponseHead head = p.response();
        assertTrue(head.headers().size() <= limits.maxHeaderCount());
        p.readBodyPrefix(in);
        byte[] body = p.bodyPrefix();
        assertTrue(body.length <= limits.maxBodyPrefix());
        assertTrue(Arrays.equals(body, 0, body.length, data, headEnd, headEnd + body.length), "body as received");
        String validation;
        try {
            validation = "valid " + HANDSHAKE.validate(head, body).subprotocol();
        } catch (ClientHandshakeException e) {
            validation = "invalid " + e.failure();
        }
        String proxy;
        try {
            PROXY.check(head, body);
            proxy = "tunnel";
        } catch (ClientHandshakeException e) {
            proxy = "refused " + e.failure();
        }
        return "head " + head + " " + head.headers() + " at " + headEnd + " body " + body.length + " " + validation
                + " " + proxy;
    }
}
