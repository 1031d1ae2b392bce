package dev.sleet.handshake;

import dev.sleet.handshake.ClientHandshakeException.Failure;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HttpResponseParser}: RFC 9112 §4 status lines, the same field rules as the request parser, the limits
 * (checked as bytes arrive: an endless line fails at the limit instead of waiting), stopping exactly at the end of
 * the head (RFC 6455 §4.1: the server's first frames may follow the 101 in the same packet), and the body prefix
 * of a refusal.
 */
class HttpResponseParserRulesTest {

    static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    static final byte[] FRAME = {(byte) 0x81, 0x05, 'H', 'e', 'l', 'l', 'o'};

    static ByteBuffer bytes(String s, byte... after) {
        byte[] head = s.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(head.length + after.length).put(head).put(after).flip();
    }

    @Test
    void readsA101AndLeavesTheFirstFrameInTheBuffer() {
        HttpResponseParser p = new HttpResponseParser();
        ByteBuffer in = bytes(SWITCHING, FRAME);
        assertTrue(p.parse(in));
        HttpResponseHead r = p.response();
        assertEquals(101, r.status());
        assertEquals("Switching Protocols", r.reasonPhrase());
        assertEquals(1, r.versionMajor());
        assertEquals(1, r.versionMinor());
        assertEquals("websocket", r.headers().first("upgrade").orElseThrow());
        assertEquals(SWITCHING.length(), in.position(), "stops right after CRLF CRLF");
        byte[] rest = new byte[in.remaining()];
        in.get(rest);
        assertArrayEquals(FRAME, rest);
        assertTrue(p.parse(bytes("junk")), "complete: later calls consume nothing");
    }

    @Test
    void everySplitGivesTheSameHeadAndTheSameRest() {
        ByteBuffer whole = bytes(SWITCHING, FRAME);
        for (int cut = 0; cut <= whole.limit(); cut++) {
            HttpResponseParser p = new HttpResponseParser();
            ByteBuffer a = whole.duplicate().limit(cut);
            boolean done = p.parse(a);
            ByteBuffer b = whole.duplicate().position(a.position());
            if (!done) {
                assertEquals(cut, a.position(), "a short read is consumed whole");
                assertTrue(p.parse(b), "cut at " + cut);
            }
            assertEquals(SWITCHING.length(), done ? a.position() : b.position(), "cut at " + cut);
            assertEquals(3, p.response().headers().size());
        }
    }

    @Test
    void byteByByteReachesTheSameEnd() {
        HttpResponseParser p = new HttpResponseParser();
        byte[] all = SWITCHING.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < all.length - 1; i++) {
            assertFalse(p.parse(ByteBuffer.wrap(all, i, 1)));
        }
        assertTrue(p.parse(ByteBuffer.wrap(all, all.length - 1, 1)));
    }

    @Test
    void statusLineVariants() {
        assertEquals("", parse("HTTP/1.1 101\r\n\r\n").reasonPhrase(), "no space, no phrase (RFC 9112 §4)");
        assertEquals("", parse("HTTP/1.1 101 \r\n\r\n").reasonPhrase());
        assertEquals("Moved  Permanently\tnow", parse("HTTP/1.1 301 Moved  Permanently\tnow\r\n\r\n").reasonPhrase());
        assertEquals(0, parse("HTTP/1.0 403 Forbidden\r\n\r\n").versionMinor());
        for (String bad : List.of("HTTP/1.1 1010 x\r\n\r\n", "HTTP/1.1  101 x\r\n\r\n", "HTTP/1.1 10a x\r\n\r\n",
                "HTTP/11 101 x\r\n\r\n", "http/1.1 101 x\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n", "\r\nHTTP/1.1 101 x\r\n\r\n",
                "HTTP/1.1 101 bad\u0001phrase\r\n\r\n", "ICY 200 OK\r\n\r\n")) {
            assertFailure(Failure.MALFORMED_RESPONSE, bad);
        }
    }

    @Test
    void fieldRulesAreTheRequestParsers() {
        String ok = "HTTP/1.1 101 Switching Protocols\r\n";
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "Upgrade: websocket\n\r\n");            // bare LF
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "Upgrade: web\rsocket\r\n\r\n");       // bare CR
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "Upgrade: websocket\r\n continued\r\n\r\n"); // obs-fold
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "Upgrade : websocket\r\n\r\n");        // space before colon
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "Up(grade: websocket\r\n\r\n");        // not a token
        assertFailure(Failure.MALFORMED_RESPONSE, ok + ": websocket\r\n\r\n");
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "Upgrade websocket\r\n\r\n");
        assertFailure(Failure.MALFORMED_RESPONSE, ok + "X: a\u0000b\r\n\r\n");
        HttpResponseHead r = parse(ok + "X-Empty:\r\nX-Spaces: \t padded \t \r\nX-Latin: caf\u00e9\r\n\r\n");
        assertEquals("", r.headers().first("x-empty").orElseThrow());
        assertEquals("padded", r.headers().first("X-Spaces").orElseThrow());
        assertEquals("caf\u00e9", r.headers().first("X-Latin").orElseThrow());
    }

    @Test
    void limitsFailAsSoonAsTheyAreCrossedNotAtTheEnd() {
        HttpResponseLimits small = new HttpResponseLimits(32, 4, 128, 16);
        // A status line without an end: refused once 32 + CRLF bytes have come, though no LF ever arrives.
        HttpResponseParser p = new HttpResponseParser(small);
        assertFalse(p.parse(bytes("HTTP/1.1 101 " + "x".repeat(10))));
        ClientHandshakeException e = assertThrows(ClientHandshakeException.class,
                () -> p.parse(bytes("y".repeat(20))));
        assertEquals(Failure.RESPONSE_TOO_LARGE, e.failure());
        assertSame(e, assertThrows(ClientHandshakeException.class, () -> p.parse(bytes("\r\n"))), "failed for good");
        // An endless header value.
        HttpResponseParser q = new HttpResponseParser(small);
        assertFalse(q.parse(bytes("HTTP/1.1 101 OK\r\nX: ")));
        assertEquals(Failure.RESPONSE_TOO_LARGE, assertThrows(ClientHandshakeException.class,
                () -> q.parse(bytes("z".repeat(200)))).failure());
        // Too many fields.
        assertEquals(Failure.RESPONSE_TOO_LARGE, assertThrows(ClientHandshakeException.class,
                () -> new HttpResponseParser(small).parse(bytes("HTTP/1.1 101 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"
                        + "E: 5\r\n\r\n"))).failure());
        // Exactly at the limits is fine: 4 fields, status line of 32 bytes.
        String line32 = "HTTP/1.1 101 " + "x".repeat(19);
        assertEquals(32, line32.length());
        assertTrue(new HttpResponseParser(small).parse(bytes(line32 + "\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")));
    }

    @Test
    void endOfInputBeforeTheHeadIsATruncatedResponse() {
        HttpResponseParser p = new HttpResponseParser();
        assertFalse(p.parse(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: webso")));
        assertEquals(Failure.TRUNCATED_RESPONSE, assertThrows(ClientHandshakeException.class, p::endOfInput).failure());
        HttpResponseParser done = new HttpResponseParser();
        assertTrue(done.parse(bytes(SWITCHING)));
        done.endOfInput(); // nothing to report once the head is complete
        assertThrows(IllegalStateException.class, () -> new HttpResponseParser().response());
    }

    @Test
    void bodyPrefixStopsAtTheCapOrTheAnnouncedLength() {
        HttpResponseLimits limits = HttpResponseLimits.defaults().withMaxBodyPrefix(10);
        HttpResponseParser p = new HttpResponseParser(limits);
        ByteBuffer in = bytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 24\r\n\r\norigin not allowed here\n");
        assertTrue(p.parse(in));
        assertTrue(p.readBodyPrefix(in), "10 bytes is the cap");
        assertEquals("origin not", new String(p.bodyPrefix(), StandardCharsets.US_ASCII));
        assertEquals(14, in.remaining(), "nothing read past the cap");

        HttpResponseParser q = new HttpResponseParser();
        ByteBuffer r = bytes("HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nlogin");
        assertTrue(q.parse(r));
        assertTrue(q.readBodyPrefix(r));
        assertEquals("login", new String(q.bodyPrefix(), StandardCharsets.US_ASCII));

        HttpResponseParser s = new HttpResponseParser();
        ByteBuffer t = bytes("HTTP/1.1 500 Oops\r\n\r\nsplit ");
        assertTrue(s.parse(t));
        assertFalse(s.readBodyPrefix(t), "no length: more is welcome until the cap or the end");
        assertFalse(s.readBodyPrefix(bytes("body")));
        assertEquals("split body", new String(s.bodyPrefix(), StandardCharsets.US_ASCII));
        assertThrows(IllegalStateException.class, () -> new HttpResponseParser().readBodyPrefix(bytes("x")));
    }

    static HttpResponseHead parse(String s) {
        HttpResponseParser p = new HttpResponseParser();
        assertTrue(p.parse(bytes(s)), s);
        return p.response();
    }

    static void assertFailure(Failure expected, String response) {
        ClientHandshakeException e = assertThrows(ClientHandshakeException.class,
                () -> new HttpResponseParser().parse(bytes(response)), response);
        assertEquals(expected, e.failure(), e.getMessage());
    }
}
