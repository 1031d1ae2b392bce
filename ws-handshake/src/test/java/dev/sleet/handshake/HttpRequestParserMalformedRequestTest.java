package dev.sleet.handshake;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.replaceLine;
import static dev.sleet.handshake.TestRequests.withLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Malformed request heads (RFC 9112 §2–§6, PROTO-08): each is refused with 400 and a reason naming the fault,
 * whether it arrives whole or one byte at a time.
 */
class HttpRequestParserMalformedRequestTest {

    static Stream<Arguments> malformed() {
        return Stream.of(
            // RFC 9112 §2.2: lines end with CRLF; a bare CR is invalid, a bare LF is refused (strict reading)
            arguments("bare LF ending a field line", MINIMAL.replace("Upgrade: websocket\r\n", "Upgrade: websocket\n"), "bare LF"),
            arguments("bare LF ending the request line", MINIMAL.replace("HTTP/1.1\r\n", "HTTP/1.1\n"), "bare LF"),
            arguments("bare LF as the empty line", MINIMAL.substring(0, MINIMAL.length() - 2) + "\n", "bare LF"),
            arguments("bare CR inside a value", replaceLine(MINIMAL, "Upgrade:", "Upgrade: web\rsocket\r\n"), "bare CR"),
            arguments("bare CR inside a name", withLines(MINIMAL, "X-A\rB: 1\r\n"), "bare CR"),
            arguments("bare CR in the request line", MINIMAL.replace("GET /chat", "GET /ch\rat"), "bare CR"),
            // RFC 9110 §5.5: NUL and other controls are not field content
            arguments("NUL in a value", withLines(MINIMAL, "X-A: a\0b\r\n"), "NUL"),
            arguments("NUL in a name", withLines(MINIMAL, "X-\0: 1\r\n"), "NUL"),
            arguments("NUL in the target", MINIMAL.replace("/chat", "/ch\0at"), "NUL"),
            arguments("control character in a value", withLines(MINIMAL, "X-A: a\u0001b\r\n"), "control character 0x01"),
            arguments("DEL in a value", withLines(MINIMAL, "X-A: a\u007fb\r\n"), "control character 0x7F"),
            // RFC 9112 §5.2: obsolete line folding is refused with 400
            arguments("obs-fold with a space", withLines(MINIMAL, "X-A: one\r\n two\r\n"), "folding"),
            arguments("obs-fold with a tab", withLines(MINIMAL, "X-A: one\r\n\ttwo\r\n"), "folding"),
            // RFC 9112 §5.1 / RFC 9110 §5.1: field names are tokens, with no whitespace before the colon
            arguments("space before the colon", withLines(MINIMAL, "X-A : 1\r\n"), "whitespace between"),
            arguments("non-token name", withLines(MINIMAL, "X(A): 1\r\n"), "character '('"),
            arguments("non-ASCII name", withLines(MINIMAL, "X-\u00e4: 1\r\n"), "non-ASCII byte 0xE4"),
            arguments("empty name", withLines(MINIMAL, ": 1\r\n"), "empty header field name"),
            arguments("no colon", withLines(MINIMAL, "X-A\r\n"), "without a colon"),
            // RFC 9112 §3.2 and RFC 6455 §11.3.1: one Host, one Sec-WebSocket-Key
            arguments("duplicate Host", withLines(MINIMAL, "host: other.example\r\n"), "more than one Host"),
            arguments("duplicate Sec-WebSocket-Key", withLines(MINIMAL, "sec-websocket-key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"),
                    "more than one Sec-WebSocket-Key"),
            arguments("HTTP/1.1 without Host", replaceLine(MINIMAL, "Host:", ""), "missing Host"),
            // RFC 9112 §3: request-line = method SP request-target SP HTTP-version
            arguments("empty request line", "\r\n" + MINIMAL, "empty line"),
            arguments("two spaces after the method", MINIMAL.replace("GET /chat", "GET  /chat"), "unexpected space"),
            arguments("no version", MINIMAL.replace("GET /chat HTTP/1.1", "GET /chat"), "no HTTP version"),
            arguments("no target", MINIMAL.replace("GET /chat HTTP/1.1", "GET"), "no request target"),
            arguments("lower-case version", MINIMAL.replace("HTTP/1.1", "http/1.1"), "HTTP version"),
            arguments("two-digit minor version", MINIMAL.replace("HTTP/1.1", "HTTP/1.10"), "HTTP version"),
            arguments("trailing space after the version", MINIMAL.replace("HTTP/1.1", "HTTP/1.1 "), "HTTP version"),
            arguments("non-token method", MINIMAL.replace("GET /chat", "G(T /chat"), "character '('"),
            arguments("non-ASCII target", MINIMAL.replace("/chat", "/ch\u00e4t"), "non-ASCII byte"),
            arguments("fragment in the target", MINIMAL.replace("/chat", "/chat#top"), "fragment"),
            arguments("authority-form target", MINIMAL.replace("/chat", "server.example.com:80"), "neither a path"),
            // RFC 9112 §6.3: conflicting or malformed lengths; a body on an upgrade request
            arguments("conflicting Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                    "conflicting Content-Length"),
            arguments("malformed Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "malformed Content-Length"),
            arguments("Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                    "both Content-Length and Transfer-Encoding"),
            arguments("upgrade with a Content-Length body", withLines(MINIMAL, "Content-Length: 5\r\n"), "must not have a body"),
            arguments("upgrade with a chunked body", withLines(MINIMAL, "Transfer-Encoding: chunked\r\n"), "must not have a body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusedWith400InOneBuffer(String name, String request, String reasonPart) {
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> new HttpRequestParser().parse(TestRequests.buffer(request)));
        assertEquals(400, e.status(), e.getMessage());
        assertTrue(e.reason().contains(reasonPart), "reason \"" + e.reason() + "\" should mention " + reasonPart);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusedTheSameWayOneByteAtATime(String name, String request, String reasonPart) {
        byte[] all = request.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequestParser p = new HttpRequestParser();
        HandshakeException e = assertThrows(HandshakeException.class, () -> {
            for (byte b : all) {
                p.parse(ByteBuffer.wrap(new byte[] {b}));
            }
        });
        assertEquals(400, e.status());
        assertTrue(e.reason().contains(reasonPart), e.reason());
    }
}
