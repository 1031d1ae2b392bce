package dev.sleet.handshake;

import dev.sleet.handshake.ClientHandshakeException.Failure;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each RFC 6455 §4.1 rule the client checks on the server's response, and the typed failure it gives.
 */
class ClientHandshakeValidationTest {

    private final ClientHandshake handshake = ClientHandshake.builder(URI.create("ws://example.com/chat"))
            .subprotocols("chat.v2", "chat.v1")
            .extension(new TestExtension.Client(4))
            .build();

    private String ok(String... extraLines) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + handshake.expectedAccept() + "\r\n");
        for (String l : extraLines) {
            sb.append(l).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static HttpResponseHead head(String s) {
        return HttpResponseParserRulesTest.parse(s);
    }

    private ClientHandshakeException fails(Failure expected, String response) {
        ClientHandshakeException e = assertThrows(ClientHandshakeException.class,
                () -> handshake.validate(head(response), new byte[0]), response);
        assertEquals(expected, e.failure(), e.getMessage());
        return e;
    }

    @Test
    void acceptsAValid101() {
        ClientHandshakeResult r = handshake.validate(head(ok()), new byte[0]);
        assertTrue(r.subprotocol().isEmpty());
        assertTrue(r.extensions().isEmpty(), "an extension the server left out is simply not in use");
        ClientHandshakeResult s = handshake.validate(head(ok("Sec-WebSocket-Protocol: chat.v1",
                "Sec-WebSocket-Extensions: x-level; level=2", "Set-Cookie: id=7")), new byte[0]);
        assertEquals("chat.v1", s.subprotocol().orElseThrow());
        assertEquals(2, ((TestExtension.Agreement) s.extensions().get(0)).level());
        assertEquals("id=7", s.response().headers().first("Set-Cookie").orElseThrow());
        // Token lists and case as RFC 6455 allows them.
        handshake.validate(head("HTTP/1.1 101 x\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
                + "sec-websocket-accept: " + handshake.expectedAccept() + "\r\n\r\n"), new byte[0]);
    }

    @Test
    void otherStatusesCarryTheirHeadersAndBodyPrefix() {
        byte[] body = "origin not allowed".getBytes(StandardCharsets.US_ASCII);
        ClientHandshakeException e = assertThrows(ClientHandshakeException.class, () -> handshake.validate(
                head("HTTP/1.1 403 Forbidden\r\nContent-Length: 18\r\nX-Why: origin\r\n\r\n"), body));
        assertEquals(Failure.NOT_SWITCHING_PROTOCOLS, e.failure());
        assertEquals(403, e.status());
        assertEquals("origin", e.headers().first("X-Why").orElseThrow());
        assertArrayEquals(body, e.bodyPrefix());
        body[0] = 'X';
        assertEquals('o', e.bodyPrefix()[0], "the exception keeps its own copy");

        ClientHandshakeException r = assertThrows(ClientHandshakeException.class, () -> handshake.validate(
                head("HTTP/1.1 302 Found\r\nLocation: wss://other.example.com/chat\r\n\r\n"), new byte[0]));
        assertEquals(Failure.REDIRECT, r.failure());
        assertEquals(302, r.status());
        assertEquals("wss://other.example.com/chat", r.location().orElseThrow());
        assertEquals(Failure.REDIRECT, fails(Failure.REDIRECT, "HTTP/1.1 308 Permanent Redirect\r\n\r\n").failure());
        assertTrue(fails(Failure.REDIRECT, "HTTP/1.1 301 Moved\r\n\r\n").location().isEmpty());
        fails(Failure.NOT_SWITCHING_PROTOCOLS, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        fails(Failure.NOT_SWITCHING_PROTOCOLS, "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n");
        fails(Failure.MALFORMED_RESPONSE, ok().replace("HTTP/1.1", "HTTP/1.0"));
    }

    @Test
    void upgradeAndConnectionMustBeThere() {
        fails(Failure.BAD_UPGRADE, ok().replace("Upgrade: websocket\r\n", ""));
        fails(Failure.BAD_UPGRADE, ok().replace("Upgrade: websocket", "Upgrade: h2c"));
        fails(Failure.BAD_UPGRADE, ok().replace("Upgrade: websocket", "Upgrade: websockets"));
        fails(Failure.BAD_CONNECTION, ok().replace("Connection: Upgrade\r\n", ""));
        fails(Failure.BAD_CONNECTION, ok().replace("Connection: Upgrade", "Connection: keep-alive"));
    }

    @Test
    void acceptMustBeTheValueForTheKeySent() {
        fails(Failure.BAD_ACCEPT, ok().replace("Sec-WebSocket-Accept: " + handshake.expectedAccept() + "\r\n", ""));
        // RFC 6455 §1.3's example value answers another key.
        fails(Failure.BAD_ACCEPT, ok().replace(handshake.expectedAccept(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        fails(Failure.BAD_ACCEPT, ok("Sec-WebSocket-Accept: " + handshake.expectedAccept()));
        fails(Failure.BAD_ACCEPT, ok().replace(handshake.expectedAccept(), handshake.expectedAccept().toLowerCase()));
        // A handshake made for another key does not accept this one's answer.
        ClientHandshake other = ClientHandshake.builder(URI.create("ws://example.com/chat")).build();
        assertEquals(Failure.BAD_ACCEPT, assertThrows(ClientHandshakeException.class,
                () -> other.validate(head(ok()), new byte[0])).failure());
    }

    @Test
    void subprotocolMustBeOneOffered() {
        fails(Failure.UNOFFERED_SUBPROTOCOL, ok("Sec-WebSocket-Protocol: mqtt"));
        fails(Failure.UNOFFERED_SUBPROTOCOL, ok("Sec-WebSocket-Protocol: CHAT.V1"));
        fails(Failure.UNOFFERED_SUBPROTOCOL, ok("Sec-WebSocket-Protocol: chat.v1, chat.v2"));
        fails(Failure.UNOFFERED_SUBPROTOCOL, ok("Sec-WebSocket-Protocol: chat.v1", "Sec-WebSocket-Protocol: chat.v1"));
        ClientHandshake none = ClientHandshake.builder(URI.create("ws://example.com/")).build();
        String response = "HTTP/1.1 101 x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + none.expectedAccept() + "\r\nSec-WebSocket-Protocol: chat\r\n\r\n";
        assertEquals(Failure.UNOFFERED_SUBPROTOCOL, assertThrows(ClientHandshakeException.class,
                () -> none.validate(head(response), new byte[0])).failure());
    }

    @Test
    void extensionsMustBeOfferedOnceWithParametersTheProviderAccepts() {
        fails(Failure.UNOFFERED_EXTENSION, ok("Sec-WebSocket-Extensions: permessage-deflate"));
        fails(Failure.UNOFFERED_EXTENSION, ok("Sec-WebSocket-Extensions: x-level; level=1, x-other"));
        fails(Failure.BAD_EXTENSION_PARAMETERS, ok("Sec-WebSocket-Extensions: x-level; level=9"));
        fails(Failure.BAD_EXTENSION_PARAMETERS, ok("Sec-WebSocket-Extensions: x-level"));
        fails(Failure.BAD_EXTENSION_PARAMETERS, ok("Sec-WebSocket-Extensions: x-level; level=1, X-Level; level=2"));
        fails(Failure.BAD_EXTENSION_PARAMETERS,
                ok("Sec-WebSocket-Extensions: x-level; level=1", "Sec-WebSocket-Extensions: x-level; level=1"));
        fails(Failure.MALFORMED_RESPONSE, ok("Sec-WebSocket-Extensions: x-level; level=\"1"));
        fails(Failure.MALFORMED_RESPONSE, ok("Sec-WebSocket-Extensions: ;"));
    }
}
