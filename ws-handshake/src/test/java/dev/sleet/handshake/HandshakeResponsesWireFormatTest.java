package dev.sleet.handshake;

import dev.sleet.handshake.spi.ExtensionAgreement;
import dev.sleet.handshake.spi.ExtensionOffer;
import dev.sleet.handshake.spi.ExtensionParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.body;
import static dev.sleet.handshake.TestRequests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6455 §4.2.2 (the 101) and RFC 9112 §4/§6 (status line, fields, Content-Length): bytes on the wire. */
class HandshakeResponsesWireFormatTest {

    @Test
    void switchingProtocolsForTheRfcSampleIsExactlyTheRfcResponse() {
        // RFC 6455 §1.3 shows this response for the sample key
        ByteBuffer b = HandshakeResponses.switchingProtocols(new HandshakeNegotiator().negotiate(parse(MINIMAL)));
        assertEquals(0, b.position());
        assertEquals("""
                HTTP/1.1 101 Switching Protocols\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
                \r
                """, body(b));
    }

    @Test
    void switchingProtocolsCarriesTheChosenSubprotocolAndAcceptedExtensionsOnly() {
        ExtensionAgreement deflate = () -> ExtensionOffer.of("permessage-deflate",
                ExtensionParameter.of("server_no_context_takeover"), ExtensionParameter.of("client_max_window_bits", "10"));
        HandshakeResult r = new HandshakeResult("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Optional.of("chat"), List.of(deflate),
                List.of("superchat", "chat"));
        assertEquals("""
                HTTP/1.1 101 Switching Protocols\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
                Sec-WebSocket-Protocol: chat\r
                Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=10\r
                Set-Cookie: id=1\r
                \r
                """, body(HandshakeResponses.switchingProtocols(r, HttpHeaders.of("Set-Cookie", "id=1"))));
    }

    @Test
    void switchingProtocolsRefusesExtraFieldsTheHandshakeOwns() {
        HandshakeResult r = new HandshakeNegotiator().negotiate(parse(MINIMAL));
        for (String owned : new String[] {"Upgrade", "connection", "Sec-WebSocket-Protocol", "Content-Length"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> HandshakeResponses.switchingProtocols(r, HttpHeaders.of(owned, "x")), owned);
        }
    }

    @Test
    void errorResponseClosesAndExplains() {
        HandshakeException e = new HandshakeException(400, "missing Sec-WebSocket-Key");
        String expectedBody = "400 Bad Request: missing Sec-WebSocket-Key\n";
        assertEquals("HTTP/1.1 400 Bad Request\r\n"
                + "Connection: close\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + expectedBody.length() + "\r\n"
                + "\r\n"
                + expectedBody, body(HandshakeResponses.error(e)));
    }

    @Test
    void upgradeRequiredNamesVersion13() {
        // RFC 6455 §4.2.2: 426 with Sec-WebSocket-Version listing what the server speaks; RFC 9110 §7.8 /
        // §15.5.22: a 426 carries Upgrade, and a sender of Upgrade lists "upgrade" in Connection.
        HandshakeException e = assertThrows(HandshakeException.class, () -> new HandshakeNegotiator()
                .negotiate(parse(MINIMAL.replace("Version: 13", "Version: 8"))));
        String wire = body(HandshakeResponses.error(e));
        assertTrue(wire.startsWith("HTTP/1.1 426 Upgrade Required\r\nConnection: Upgrade, close\r\n"), wire);
        assertTrue(wire.contains("\r\nSec-WebSocket-Version: 13\r\n"), wire);
        assertTrue(wire.contains("\r\nUpgrade: websocket\r\n"), wire);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 414, 426, 431, 500, 503})
    void errorStatusLinesUseTheStandardPhrase(int status) {
        String wire = body(HandshakeResponses.error(status, "why"));
        String statusLine = wire.substring(0, wire.indexOf("\r\n"));
        assertTrue(statusLine.matches("HTTP/1\\.1 " + status + " [A-Z][A-Za-z ]+"), statusLine);
        int bodyStart = wire.indexOf("\r\n\r\n") + 4;
        int declared = Integer.parseInt(wire.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
        assertEquals(wire.length() - bodyStart, declared);
        assertTrue(wire.substring(bodyStart).endsWith(": why\n"));
        assertTrue(wire.contains("\r\nConnection: close\r\n"));
    }

    @Test
    void errorBodyIsUtf8AndTheLengthCountsBytes() {
        ByteBuffer b = HandshakeResponses.error(403, "Zugriff verweigert für dich");
        String wire = new String(b.array(), b.arrayOffset(), b.remaining(), StandardCharsets.UTF_8);
        int declared = Integer.parseInt(wire.replaceAll("(?s).*\r\nContent-Length: (\\d+)\r\n.*", "$1"));
        byte[] bodyBytes = "403 Forbidden: Zugriff verweigert für dich\n".getBytes(StandardCharsets.UTF_8);
        assertEquals(bodyBytes.length, declared);
    }

    @Test
    void refusalsNeedAnErrorStatus() {
        assertThrows(IllegalArgumentException.class, () -> HandshakeResponses.error(200, "fine"));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeException(101, "x"));
    }

    @Test
    void plainHttpResponseWriter() {
        HttpResponse page = HttpResponse.builder(200)
                .header("Cache-Control", "no-store")
                .body("<p>hé</p>", "text/html; charset=utf-8")
                .build();
        assertEquals("HTTP/1.1 200 OK\r\n"
                + "Cache-Control: no-store\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n"
                + "Content-Length: 10\r\n"
                + "\r\n"
                + "<p>h\u00c3\u00a9</p>", body(page.encode()));
        assertEquals(10, page.body().remaining());
        assertEquals("HTTP/1.1 204 No Content\r\n\r\n", body(HttpResponse.builder(204).build().encode()));
        assertEquals("HTTP/1.1 302 Found\r\nLocation: /chat\r\nContent-Length: 0\r\n\r\n",
                body(HttpResponse.builder(302).header("Location", "/chat").build().encode()));
        assertEquals("HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n", body(HttpResponse.builder(599).build().encode()));
    }

    @Test
    void responseWriterRefusesHeaderInjectionAndComputedFields() {
        HttpResponse.Builder b = HttpResponse.builder(200);
        assertThrows(IllegalArgumentException.class, () -> b.header("X-A", "1\r\nSet-Cookie: evil=1"));
        assertThrows(IllegalArgumentException.class, () -> b.header("X-A\r\n", "1"));
        assertThrows(IllegalArgumentException.class, () -> b.header("X-A", "\u0100"));
        assertThrows(IllegalArgumentException.class, () -> b.header("Content-Length", "5"));
        assertThrows(IllegalArgumentException.class, () -> b.header("Transfer-Encoding", "chunked"));
        assertThrows(IllegalArgumentException.class, () -> b.reasonPhrase("OK\r\nX: y"));
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.builder(304).body(new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> HttpResponse.builder(99));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("X-A", " padded "));
    }
}
