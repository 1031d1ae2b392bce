package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.buffer;
import static dev.sleet.handshake.TestRequests.parse;
import static dev.sleet.handshake.TestRequests.withLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The size limits of {@link HttpLimits}: 414 for the request line (RFC 9112 §3), 431 for fields (RFC 6585 §5). */
class HttpRequestParserLimitsTest {

    private static String requestLineOfLength(int n) {
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        return prefix + "a".repeat(n - prefix.length() - suffix.length()) + suffix;
    }

    @Test
    void defaultsAreEightKibibytesAndOneHundredFields() {
        HttpLimits d = HttpLimits.defaults();
        assertEquals(8192, d.maxRequestLineLength());
        assertEquals(100, d.maxHeaderCount());
        assertEquals(8192, d.maxHeaderBytes());
    }

    @Test
    void requestLineAtTheLimitIsAcceptedAndOneByteMoreGets414() {
        String atLimit = requestLineOfLength(8192) + "\r\nHost: a\r\n\r\n";
        assertEquals(8192 - "GET  HTTP/1.1".length(), parse(atLimit).target().length());
        String over = requestLineOfLength(8193) + "\r\nHost: a\r\n\r\n";
        HandshakeException e = assertThrows(HandshakeException.class, () -> parse(over));
        assertEquals(414, e.status());
    }

    @Test
    void endlessRequestLineIsRefusedAsSoonAsItPassesTheLimit() {
        // No LF ever comes: the parser must not buffer more than the limit allows.
        HttpRequestParser p = new HttpRequestParser(HttpLimits.defaults().withMaxRequestLineLength(100));
        assertFalse(p.parse(buffer("GET /" + "a".repeat(90))));
        assertFalse(p.parse(buffer("a".repeat(6)))); // 101 bytes: the line may still end with CR LF here
        HandshakeException e = assertThrows(HandshakeException.class, () -> p.parse(buffer("a")));
        assertEquals(414, e.status());
        assertTrue(e.reason().contains("100"), e.reason());
    }

    @Test
    void oneFieldMoreThanTheCountLimitGets431() {
        HttpLimits limits = HttpLimits.defaults().withMaxHeaderCount(6);
        assertEquals(5, parse(MINIMAL, limits).headers().size());
        assertEquals(6, parse(withLines(MINIMAL, "X-A: 1\r\n"), limits).headers().size());
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> parse(withLines(MINIMAL, "X-A: 1\r\n", "X-B: 2\r\n"), limits));
        assertEquals(431, e.status());
        assertTrue(e.reason().contains("more than 6 header fields"), e.reason());
    }

    @Test
    void defaultCountLimitIsOneHundred() {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 99; i++) {
            sb.append("X-").append(i).append(": v\r\n");
        }
        assertEquals(100, parse(sb + "\r\n").headers().size());
        HandshakeException e = assertThrows(HandshakeException.class, () -> parse(sb + "X-last: v\r\n\r\n"));
        assertEquals(431, e.status());
    }

    @Test
    void fieldBytesAtTheLimitAreAcceptedAndOneMoreGets431() {
        // Counted from after the request line's CRLF to the end of the blank line, every CRLF included.
        String head = "Host: a\r\n";
        String blank = "\r\n";
        int filler = 8192 - head.length() - blank.length() - "X-F: \r\n".length();
        String atLimit = "GET / HTTP/1.1\r\n" + head + "X-F: " + "v".repeat(filler) + "\r\n" + blank;
        assertEquals(filler, parse(atLimit).headers().first("X-F").orElseThrow().length());
        String over = "GET / HTTP/1.1\r\n" + head + "X-F: " + "v".repeat(filler + 1) + "\r\n" + blank;
        HandshakeException e = assertThrows(HandshakeException.class, () -> parse(over));
        assertEquals(431, e.status());
    }

    @Test
    void endlessFieldLineIsRefusedWithoutWaitingForItsEnd() {
        HttpRequestParser p = new HttpRequestParser(HttpLimits.defaults().withMaxHeaderBytes(200));
        assertFalse(p.parse(buffer("GET / HTTP/1.1\r\nHost: a\r\nX-Long: ")));
        HandshakeException e = assertThrows(HandshakeException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                p.parse(buffer("v"));
            }
        });
        assertEquals(431, e.status());
    }

    @Test
    void manySmallReadsDoNotGrowTheLineCopyPastTheLimit() {
        // Split lines are copied; a 8 KiB field line fed in 1-byte reads must still parse.
        String value = "v".repeat(8000);
        String request = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + value + "\r\n\r\n";
        byte[] all = request.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequestParser p = new HttpRequestParser();
        boolean done = false;
        for (int i = 0; i < all.length; i++) {
            done = p.parse(ByteBuffer.wrap(all, i, 1));
        }
        assertTrue(done);
        assertEquals(value, p.request().headers().first("X-Big").orElseThrow());
    }

    @Test
    void limitsRejectUnusableValues() {
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(0, 100, 8192));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(8192, 0, 8192));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(8192, 100, 10));
    }
}
