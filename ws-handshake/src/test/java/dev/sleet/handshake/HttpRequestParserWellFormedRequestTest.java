package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static dev.sleet.handshake.TestRequests.BROWSER;
import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.buffer;
import static dev.sleet.handshake.TestRequests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9112 §2–§5: reading well-formed request heads, whole and in pieces. */
class HttpRequestParserWellFormedRequestTest {

    @Test
    void rfc6455Section1_3SampleRequestParses() {
        HttpRequest r = parse(MINIMAL);
        assertEquals("GET", r.method());
        assertEquals("/chat", r.target());
        assertEquals("/chat", r.path());
        assertEquals("", r.rawQuery());
        assertEquals("HTTP/1.1", r.version());
        assertEquals(5, r.headers().size());
        assertEquals(Optional.of("server.example.com"), r.headers().first("host"));
        assertEquals(Optional.of("dGhlIHNhbXBsZSBub25jZQ=="), r.headers().first("SEC-WEBSOCKET-KEY"));
        assertTrue(r.isUpgradeRequest());
    }

    @Test
    void browserRequestParsesWithEveryField() {
        HttpRequest r = parse(BROWSER);
        assertEquals("/chat", r.path());
        assertEquals("room=lobby&name=J%C3%BCrgen", r.rawQuery());
        assertEquals(13, r.headers().size());
        assertEquals(List.of("chat", "superchat"), r.headers().tokens("Sec-WebSocket-Protocol"));
        assertEquals(List.of("gzip", "deflate", "br", "zstd"), r.headers().tokens("accept-encoding"));
        assertEquals(Optional.of("permessage-deflate; client_max_window_bits"),
                r.headers().first("Sec-WebSocket-Extensions"));
    }

    @Test
    void stopsAtTheEndOfTheHeaderBlockAndLeavesTheFirstFrame() {
        // RFC 6455 §4.1: a client may send frames right after its handshake; they belong to the frame parser
        byte[] frame = {(byte) 0b1000_0001, (byte) 0b1000_0010, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};
        byte[] head = MINIMAL.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(head.length + frame.length).put(head).put(frame).flip();
        HttpRequestParser p = new HttpRequestParser();
        assertTrue(p.parse(b));
        assertEquals(head.length, b.position());
        assertEquals(frame.length, b.remaining());
        assertEquals((byte) 0b1000_0001, b.get(b.position()));
        // parse() after completion consumes nothing and keeps answering true
        assertTrue(p.parse(b));
        assertEquals(head.length, b.position());
    }

    @Test
    void byteAtATimeGivesTheSameRequestAndNeverThrowsOnShortInput() {
        byte[] all = BROWSER.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequestParser p = new HttpRequestParser();
        for (int i = 0; i < all.length; i++) {
            ByteBuffer one = ByteBuffer.wrap(all, i, 1);
            boolean done = p.parse(one);
            assertEquals(i == all.length - 1, done, "complete only at the last byte, i=" + i);
            assertFalse(one.hasRemaining());
        }
        assertEquals(parse(BROWSER), p.request());
    }

    @Test
    void emptyBufferNeedsMoreBytes() {
        HttpRequestParser p = new HttpRequestParser();
        assertFalse(p.parse(ByteBuffer.allocate(0)));
        assertFalse(p.isComplete());
        IllegalStateException e = assertThrows(IllegalStateException.class, p::request);
        assertTrue(e.getMessage().contains("not complete"));
    }

    @Test
    void directAndReadOnlyBuffersParseLikeHeapBuffers() {
        byte[] all = BROWSER.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer direct = ByteBuffer.allocateDirect(all.length + 3).put(all).put(new byte[] {1, 2, 3}).flip();
        HttpRequestParser p1 = new HttpRequestParser();
        assertTrue(p1.parse(direct));
        assertEquals(3, direct.remaining());
        HttpRequestParser p2 = new HttpRequestParser();
        ByteBuffer ro = ByteBuffer.wrap(all).asReadOnlyBuffer();
        assertTrue(p2.parse(ro));
        assertEquals(parse(BROWSER), p1.request());
        assertEquals(parse(BROWSER), p2.request());
    }

    @Test
    void heapBufferWithAnArrayOffsetParses() {
        byte[] all = ("XXXX" + MINIMAL + "YY").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer slice = ByteBuffer.wrap(all, 4, all.length - 4).slice();
        HttpRequestParser p = new HttpRequestParser();
        assertTrue(p.parse(slice));
        assertEquals(2, slice.remaining());
        assertEquals(parse(MINIMAL), p.request());
    }

    @Test
    void absoluteFormTargetGivesThePathAfterTheAuthority() {
        // RFC 6455 §4.2.1 item 1: "or an absolute HTTP/HTTPS URI containing the /resource name/"
        HttpRequest r = parse(MINIMAL.replace("GET /chat ", "GET http://server.example.com:80/chat/room?id=7 "));
        assertEquals("http://server.example.com:80/chat/room?id=7", r.target());
        assertEquals("/chat/room", r.path());
        assertEquals("id=7", r.rawQuery());
        HttpRequest bare = parse(MINIMAL.replace("GET /chat ", "GET https://server.example.com?x "));
        assertEquals("/", bare.path());
        assertEquals("x", bare.rawQuery());
    }

    @Test
    void asteriskFormAndQueryOnlyForms() {
        assertEquals("*", parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").path());
        HttpRequest q = parse("GET /?a=1&b HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("/", q.path());
        assertEquals("a=1&b", q.rawQuery());
    }

    @Test
    void optionalWhitespaceAroundValuesIsDroppedAndEmptyValuesKept() {
        // RFC 9112 §5.1: field-line = field-name ":" OWS field-value OWS
        HttpRequest r = parse("GET / HTTP/1.1\r\nHost:\t a \t\r\nX-Empty:\r\nX-Inner: a  b\r\n\r\n");
        assertEquals(Optional.of("a"), r.headers().first("Host"));
        assertEquals(Optional.of(""), r.headers().first("X-Empty"));
        assertEquals(Optional.of("a  b"), r.headers().first("x-inner"));
    }

    @Test
    void obsTextInValuesIsKeptAsIso8859_1() {
        // RFC 9110 §5.5: obs-text (%x80-FF) is allowed in field values
        HttpRequest r = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Name: J\u00fcrgen\r\n\r\n");
        assertEquals(Optional.of("J\u00fcrgen"), r.headers().first("X-Name"));
    }

    @Test
    void http10WithoutHostAndPlainRequestsAreNotUpgrades() {
        HttpRequest r = parse("GET /index.html HTTP/1.0\r\n\r\n");
        assertEquals("HTTP/1.0", r.version());
        assertFalse(r.isUpgradeRequest());
        HttpRequest post = parse("POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n");
        assertFalse(post.isUpgradeRequest());
        assertEquals("POST", post.method());
    }

    @Test
    void upgradeTokenIsFoundInListsAndAnyCase() {
        assertTrue(parse(MINIMAL.replace("Upgrade: websocket", "upgrade: h2c, WebSocket")).isUpgradeRequest());
        assertFalse(parse(MINIMAL.replace("Upgrade: websocket", "Upgrade: websockets")).isUpgradeRequest());
    }

    @Test
    void knownFieldNamesAreReportedInCanonicalCaseAndOthersAsSent() {
        HttpRequest r = parse("GET / HTTP/1.1\r\nhOsT: a\r\nx-MiXeD: 1\r\n\r\n");
        assertEquals(List.of("Host", "x-MiXeD"), r.headers().names());
        assertSame("GET", r.method());
    }

    @Test
    void failureIsTerminal() {
        HttpRequestParser p = new HttpRequestParser();
        HandshakeException first = assertThrows(HandshakeException.class, () -> p.parse(buffer("GET / HTTP/1.1\n")));
        HandshakeException again = assertThrows(HandshakeException.class, () -> p.parse(buffer(MINIMAL)));
        assertSame(first, again);
        assertThrows(IllegalStateException.class, p::request);
    }
}
