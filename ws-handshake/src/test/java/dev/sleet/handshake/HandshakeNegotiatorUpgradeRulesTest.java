package dev.sleet.handshake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static dev.sleet.handshake.TestRequests.BROWSER;
import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static dev.sleet.handshake.TestRequests.replaceLine;
import static dev.sleet.handshake.TestRequests.withLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** RFC 6455 §4.2.1 (PROTO-01, PROTO-08): every rule of the client's opening handshake, with its exact status. */
class HandshakeNegotiatorUpgradeRulesTest {

    private final HandshakeNegotiator negotiator = new HandshakeNegotiator();

    @Test
    void rfc6455Section1_3SampleHandshakeIsAcceptedWithTheSampleAccept() {
        HandshakeResult r = negotiator.negotiate(parse(MINIMAL));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", r.accept());
        assertEquals(Optional.empty(), r.subprotocol());
        assertEquals(List.of(), r.extensions());
    }

    @Test
    void browserHandshakeIsAccepted() {
        HandshakeResult r = negotiator.negotiate(parse(BROWSER));
        assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", r.accept());
        assertEquals(List.of("chat", "superchat"), r.offeredSubprotocols());
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
            // §4.2.1 item 3: Upgrade "including" websocket, compared case-insensitively, in a list
            arguments("Upgrade in upper case", MINIMAL.replace("Upgrade: websocket", "Upgrade: WEBSOCKET")),
            arguments("Upgrade list", MINIMAL.replace("Upgrade: websocket", "Upgrade: h2c, WebSocket")),
            arguments("Upgrade over two fields", MINIMAL.replace("Upgrade: websocket", "Upgrade: h2c\r\nUpgrade: websocket")),
            // §4.2.1 item 4: Connection "including" Upgrade as a token
            arguments("Connection list", MINIMAL.replace("Connection: Upgrade", "Connection: keep-alive, Upgrade")),
            arguments("Connection lower case, odd spacing", MINIMAL.replace("Connection: Upgrade", "Connection: keep-alive ,\tupgrade ")),
            arguments("Connection over two fields", MINIMAL.replace("Connection: Upgrade", "Connection: keep-alive\r\nConnection: Upgrade")),
            // §4.2.1 item 1: HTTP/1.1 "or higher"
            arguments("HTTP/1.2", MINIMAL.replace("HTTP/1.1", "HTTP/1.2")),
            arguments("absolute-form target", MINIMAL.replace("GET /chat", "GET wss://server.example.com/chat")),
            arguments("Content-Length: 0", withLines(MINIMAL, "Content-Length: 0\r\n")),
            arguments("header names in any case", MINIMAL.replace("Sec-WebSocket-Key", "sec-websocket-KEY")
                    .replace("Sec-WebSocket-Version", "SEC-WEBSOCKET-VERSION")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void variantsTheRfcAllowsAreAccepted(String name, String request) {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", negotiator.negotiate(parse(request)).accept());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
            // §4.2.1 item 1: method GET, HTTP/1.1 or later
            arguments("POST", MINIMAL.replace("GET /chat", "POST /chat"), 400, "must be GET"),
            arguments("lower-case get (methods are case-sensitive)", MINIMAL.replace("GET /chat", "get /chat"), 400, "must be GET"),
            arguments("HTTP/1.0", MINIMAL.replace("HTTP/1.1", "HTTP/1.0"), 400, "HTTP/1.1 or later"),
            arguments("HTTP/0.9", MINIMAL.replace("HTTP/1.1", "HTTP/0.9"), 400, "HTTP/1.1 or later"),
            // §4.2.1 item 3: Upgrade must name websocket
            arguments("no Upgrade", replaceLine(MINIMAL, "Upgrade:", ""), 400, "Upgrade field must name websocket"),
            arguments("Upgrade: websockets", MINIMAL.replace("Upgrade: websocket", "Upgrade: websockets"), 400, "Upgrade field"),
            arguments("Upgrade: h2c", MINIMAL.replace("Upgrade: websocket", "Upgrade: h2c"), 400, "Upgrade field"),
            // §4.2.1 item 4: Connection must include upgrade
            arguments("no Connection", replaceLine(MINIMAL, "Connection:", ""), 400, "Connection field must include upgrade"),
            arguments("Connection: keep-alive", MINIMAL.replace("Connection: Upgrade", "Connection: keep-alive"), 400, "Connection field"),
            arguments("Connection: upgraded", MINIMAL.replace("Connection: Upgrade", "Connection: upgraded"), 400, "Connection field"),
            // §4.2.1 item 5: a key that decodes to 16 bytes, exactly once
            arguments("no key", replaceLine(MINIMAL, "Sec-WebSocket-Key:", ""), 400, "missing Sec-WebSocket-Key"),
            arguments("empty key", MINIMAL.replace("dGhlIHNhbXBsZSBub25jZQ==", ""), 400, "Base64 of 16 bytes"),
            arguments("short key", MINIMAL.replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZQ=="), 400, "Base64 of 16 bytes"),
            arguments("key not Base64", MINIMAL.replace("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ!!"), 400, "Base64 of 16 bytes"),
            arguments("17-byte key", MINIMAL.replace("dGhlIHNhbXBsZSBub25jZQ==", "c2FtcGxlIG5vbmNlIDE3Ynk="), 400, "Base64 of 16 bytes"),
            // §4.2.1 item 6 and §4.2.2: version 13, else 426 naming 13
            arguments("no version", replaceLine(MINIMAL, "Sec-WebSocket-Version:", ""), 426, "missing Sec-WebSocket-Version"),
            arguments("version 8", MINIMAL.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"), 426, "unsupported"),
            arguments("version 14", MINIMAL.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 14"), 426, "unsupported"),
            arguments("version list", MINIMAL.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13, 8"), 426, "unsupported"),
            arguments("version 013", MINIMAL.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 013"), 426, "unsupported"),
            arguments("two version fields", withLines(MINIMAL, "Sec-WebSocket-Version: 13\r\n"), 400, "more than one Sec-WebSocket-Version"),
            // Version is checked before the key: a draft-76 client (no Sec-WebSocket-Key) learns about 13
            arguments("hixie-76 style request", replaceLine(replaceLine(MINIMAL, "Sec-WebSocket-Version:", ""),
                    "Sec-WebSocket-Key:", "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"),
                    426, "missing Sec-WebSocket-Version"),
            // An upgrade carries no body
            arguments("Content-Length: 1", withLines(MINIMAL, "Content-Length: 1\r\n"), 400, "body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void brokenRuleGetsItsStatus(String name, String request, int status, String reasonPart) {
        HandshakeException e = assertThrows(HandshakeException.class, () -> negotiator.negotiate(parse(request)));
        assertEquals(status, e.status(), e.getMessage());
        assertTrue(e.reason().contains(reasonPart), "reason \"" + e.reason() + "\" should mention " + reasonPart);
        if (status == 426) {
            // RFC 6455 §4.2.2: "|Sec-WebSocket-Version| header field indicating the version(s) the server is
            // capable of understanding"; RFC 9110 §7.8: a 426 names the protocol in Upgrade.
            assertEquals(List.of("13"), e.headers().all("Sec-WebSocket-Version"));
            assertEquals(List.of("websocket"), e.headers().all("Upgrade"));
        } else {
            assertTrue(e.headers().isEmpty());
        }
    }

    @Test
    void hostRuleHoldsOnItsOwnForRequestsNotMadeByTheParser() {
        // RFC 6455 §4.2.1 item 2. The parser already refuses HTTP/1.1 without Host or with two (RFC 9112 §3.2);
        // the negotiator checks again, so a request built another way is held to the same rule.
        HttpHeaders common = HttpHeaders.of("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Key", TestRequests.SAMPLE_KEY, "Sec-WebSocket-Version", "13");
        HttpRequest none = new HttpRequest("GET", "/", "/", "", 1, 1, common);
        HandshakeException e = assertThrows(HandshakeException.class, () -> negotiator.negotiate(none));
        assertEquals(400, e.status());
        assertEquals("missing Host", e.reason());
        HttpRequest two = new HttpRequest("GET", "/", "/", "", 1, 1,
                HttpHeaders.of("Host", "a", "Host", "b").with(common));
        e = assertThrows(HandshakeException.class, () -> negotiator.negotiate(two));
        assertEquals(400, e.status());
        assertEquals("more than one Host field", e.reason());
        HttpRequest one = new HttpRequest("GET", "/", "/", "", 1, 1, HttpHeaders.of("Host", "a").with(common));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", negotiator.negotiate(one).accept());
    }
}
