package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade request a {@link ClientHandshake} writes (RFC 6455 §4.1): target and {@code Host} from the URI,
 * a fresh key per build, options, and the refusals of what must not be sent. Each request is also read back by
 * the server's own parser and negotiator.
 */
class ClientHandshakeRequestTest {

    static String text(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b).toString();
    }

    static HttpRequest serverReads(ClientHandshake h) {
        HttpRequestParser p = new HttpRequestParser();
        ByteBuffer req = h.request();
        assertTrue(p.parse(req));
        assertFalse(req.hasRemaining(), "nothing after the head");
        return p.request();
    }

    @Test
    void writesTheRfcRequestLayout() {
        ClientHandshake h = ClientHandshake.builder(URI.create("ws://server.example.com/chat")).build();
        String expected = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + h.key() + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assertEquals(expected, text(h.request()));
        assertEquals(expected, text(h.request()), "each call a fresh view");
        assertEquals(WebSocketAccept.compute(h.key()), h.expectedAccept());
        HandshakeResult server = new HandshakeNegotiator().negotiate(serverReads(h));
        assertEquals(h.expectedAccept(), server.accept());
    }

    @Test
    void targetAndHostComeFromTheUri() {
        record Case(String uri, String target, String hostField, String host, int port, boolean secure) {
        }
        for (Case c : List.of(
                new Case("ws://example.com", "/", "example.com", "example.com", 80, false),
                new Case("wss://example.com", "/", "example.com", "example.com", 443, true),
                new Case("WSS://Example.com:443/a", "/a", "Example.com", "Example.com", 443, true),
                new Case("ws://example.com:443/a", "/a", "example.com:443", "example.com", 443, false),
                new Case("wss://example.com:80/a", "/a", "example.com:80", "example.com", 80, true),
                new Case("ws://example.com:8080/a/b?x=1&y=%20z", "/a/b?x=1&y=%20z", "example.com:8080", "example.com",
                        8080, false),
                new Case("ws://example.com?only=query", "/?only=query", "example.com", "example.com", 80, false),
                new Case("ws://my_service:9000/ws", "/ws", "my_service:9000", "my_service", 9000, false),
                new Case("wss://my_service/ws", "/ws", "my_service", "my_service", 443, true),
                new Case("ws://127.0.0.1:9000/ws", "/ws", "127.0.0.1:9000", "127.0.0.1", 9000, false),
                new Case("ws://[::1]/ws", "/ws", "[::1]", "::1", 80, false),
                new Case("wss://[2001:db8::7]:8443/", "/", "[2001:db8::7]:8443", "2001:db8::7", 8443, true),
                new Case("ws://[fe80::1%25eth0]:9000/", "/", "[fe80::1]:9000", "fe80::1%eth0", 9000, false),
                new Case("ws://example.com/caf\u00e9?q=\u00fc", "/caf%C3%A9?q=%C3%BC", "example.com", "example.com", 80,
                        false))) {
            ClientHandshake h = ClientHandshake.builder(URI.create(c.uri)).build();
            assertEquals(c.target, h.target(), c.uri);
            assertEquals(c.host, h.host(), c.uri);
            assertEquals(c.port, h.port(), c.uri);
            assertEquals(c.secure, h.secure(), c.uri);
            HttpRequest r = serverReads(h);
            assertEquals(c.target, r.target(), c.uri);
            assertEquals(c.hostField, r.headers().first("Host").orElseThrow(), c.uri);
        }
    }

    @Test
    void refusesUrisThatCannotBeAWebSocketUri() {
        for (String bad : List.of("http://example.com/", "ftp://example.com/", "ws://example.com/#frag",
                "ws://user:pw@example.com/", "ws:opaque", "/relative", "ws:///nohost", "ws://bad_name:99999/", "ws://bad_name:8x/",
                "ws://bad%20name/")) {
            assertThrows(IllegalArgumentException.class, () -> ClientHandshake.builder(URI.create(bad)), bad);
        }
    }

    @Test
    void eachBuildDrawsAFreshValidKey() {
        ClientHandshake.Builder b = ClientHandshake.builder(URI.create("ws://example.com/"));
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String k = b.build().key();
            assertTrue(WebSocketAccept.isValidKey(k), k);
            keys.add(k);
        }
        assertEquals(1000, keys.size(), "16 random bytes never repeat in 1000 draws unless the source is broken");
    }

    @Test
    void optionsAreSentInOrderAfterTheHandshakeFields() {
        ClientHandshake h = ClientHandshake.builder(URI.create("wss://chat.example.com/room"))
                .origin("https://chat.example.com")
                .subprotocols("chat.v2", "chat.v1")
                .extension(new TestExtension.Client(5))
                .header("Authorization", "Bearer abc.def")
                .header("Cookie", "a=1; b=2")
                .headers(HttpHeaders.of("User-Agent", "sleet-test", "Cookie", "c=3"))
                .build();
        String s = text(h.request());
        assertTrue(s.contains("\r\nOrigin: https://chat.example.com\r\nSec-WebSocket-Protocol: chat.v2, chat.v1\r\n"
                + "Sec-WebSocket-Extensions: x-level; max=5\r\nAuthorization: Bearer abc.def\r\nCookie: a=1; b=2\r\n"
                + "User-Agent: sleet-test\r\nCookie: c=3\r\n\r\n"), s);
        HandshakeNegotiator server = new HandshakeNegotiator(HandshakeConfig.builder().subprotocols("chat.v1")
                .originPolicy(OriginPolicy.allowOnly("https://chat.example.com"))
                .extensions(List.of(new TestExtension.Server(3))).build());
        HandshakeResult r = server.negotiate(serverReads(h));
        assertEquals("chat.v1", r.subprotocol().orElseThrow());
        assertEquals("x-level; level=3", r.extensionResponses().get(0).format());
        assertEquals(List.of("chat.v2", "chat.v1"), h.subprotocols());
    }

    @Test
    void refusesHeaderInjectionAndFieldsTheHandshakeOwns() {
        ClientHandshake.Builder b = ClientHandshake.builder(URI.create("ws://example.com/"));
        for (String[] bad : List.of(
                new String[] {"X-Token", "a\r\nHost: evil"}, new String[] {"X-Token", "a\nb"},
                new String[] {"X-Token", "a\rb"}, new String[] {"X-Token", "nul\u0000"},
                new String[] {"X-Token", "\u0100wide"}, new String[] {"X Token", "v"},
                new String[] {"X-Token:", "v"}, new String[] {"", "v"}, new String[] {"X-Token", " padded"},
                new String[] {"Host", "other"}, new String[] {"upgrade", "h2c"}, new String[] {"Connection", "close"},
                new String[] {"sec-websocket-key", "AAAAAAAAAAAAAAAAAAAAAA=="},
                new String[] {"Sec-WebSocket-Version", "8"}, new String[] {"Origin", "https://x"},
                new String[] {"Content-Length", "5"}, new String[] {"Transfer-Encoding", "chunked"})) {
            assertThrows(IllegalArgumentException.class, () -> b.header(bad[0], bad[1]), bad[0] + ": " + bad[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> b.origin("https://x\r\nEvil: 1"));
        assertThrows(IllegalArgumentException.class, () -> b.origin(""));
        assertThrows(IllegalArgumentException.class, () -> b.subprotocols("chat", "chat"));
        assertThrows(IllegalArgumentException.class, () -> b.subprotocols("two words"));
        assertThrows(IllegalArgumentException.class, () -> b.subprotocols("a,b"));
        b.extension(new TestExtension.Client(1));
        assertThrows(IllegalArgumentException.class, () -> b.extension(new TestExtension.Client(2)));
        // Nothing refused made it in.
        String s = text(b.build().request());
        assertFalse(s.contains("evil") || s.contains("Evil") || s.contains("X-Token"), s);
    }
}
