package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property (RFC 9112 §2 read incrementally; RFC 6455 §4.2.1): valid upgrade requests with random field order,
 * name case, whitespace, extra fields and token lists, split at random points into random kinds of buffers,
 * parse to the same request, leave exactly the bytes after the head, and negotiate the same result.
 */
class HandshakeRandomSplitPropertyTest {

    private static final int CASES = 2_000;

    private final HandshakeNegotiator negotiator = new HandshakeNegotiator(HandshakeConfig.builder()
            .subprotocols(RandomRequests.SERVER_PROTOCOLS)
            .originPolicy(OriginPolicy.allowOnly(RandomRequests.ALLOWED_ORIGINS))
            .build());

    @Test
    void anySplitParsesTheSameAndLeavesTheTrailingBytes() {
        long base = TestSeeds.base();
        for (int i = 0; i < CASES; i++) {
            long seed = TestSeeds.ofCase(base, i);
            try {
                check(new SplittableRandom(seed));
            } catch (AssertionError | RuntimeException e) {
                throw TestSeeds.failure(seed, e);
            }
        }
    }

    private void check(SplittableRandom r) {
        RandomRequests.Generated g = RandomRequests.validUpgrade(r);
        byte[] bytes = g.bytes();

        HttpRequestParser whole = new HttpRequestParser();
        ByteBuffer all = ByteBuffer.wrap(bytes);
        assertTrue(whole.parse(all), "complete in one buffer");
        assertEquals(g.headLength(), all.position(), "stops right after the blank line");
        HttpRequest expected = whole.request();

        // What the generator wrote is what the parser reports.
        assertEquals(g.target(), expected.target());
        assertEquals(g.fields().size(), expected.headers().size());
        for (int k = 0; k < g.fields().size(); k++) {
            assertTrue(g.fields().get(k)[0].equalsIgnoreCase(expected.headers().name(k)));
            assertEquals(g.fields().get(k)[1], expected.headers().value(k));
        }
        assertTrue(expected.isUpgradeRequest());

        HttpRequestParser split = new HttpRequestParser();
        List<ByteBuffer> pieces = RandomRequests.split(r, bytes);
        List<Byte> rest = new ArrayList<>();
        boolean done = false;
        for (ByteBuffer piece : pieces) {
            if (!done) {
                done = split.parse(piece);
                if (!done) {
                    assertEquals(0, piece.remaining(), "an incomplete head consumes the whole buffer");
                }
            }
            if (done) {
                while (piece.hasRemaining()) {
                    rest.add(piece.get());
                }
            }
        }
        assertTrue(done, "complete after the last piece");
        assertEquals(expected, split.request());
        byte[] restBytes = new byte[rest.size()];
        for (int k = 0; k < restBytes.length; k++) {
            restBytes[k] = rest.get(k);
        }
        assertArrayEquals(g.trailing(), restBytes, "bytes after the head are left for the frame parser");

        HandshakeResult a = negotiator.negotiate(expected);
        HandshakeResult b = negotiator.negotiate(split.request());
        assertEquals(WebSocketAccept.compute(g.key()), a.accept());
        assertEquals(a, b);
        List<String> offered = new ArrayList<>();
        for (String[] f : g.fields()) {
            if (f[0].equals("Sec-WebSocket-Protocol")) {
                for (String p : f[1].split(",")) {
                    offered.add(p.strip());
                }
            }
        }
        assertEquals(offered, a.offeredSubprotocols(), "offers in field order, then list order");
        assertEquals(g.offeredProtocols().size(), offered.size());
        Optional<String> chosen = RandomRequests.SERVER_PROTOCOLS.stream().filter(offered::contains).findFirst();
        assertEquals(chosen, a.subprotocol(), "the server's most preferred protocol the client offered");
    }
}
