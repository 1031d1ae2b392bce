package dev.sleet.handshake;

import static dev.sleet.handshake.TestRequests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/**
 * Every connection keeps its parsed request for as long as it lives, so strings that repeat across the clients of
 * a site (the same Host, Origin, User-Agent and path) are shared between requests parsed by different parsers;
 * strings that may carry a secret (the key, cookies, a subprotocol token, a target with a query) never are. The
 * values themselves are unchanged either way (RFC 9112 §5: field values are bytes, read as ISO-8859-1).
 */
class HttpRequestParserSharedStringsTest {

    private static String request(String target, String host, String agent, String key, String cookie) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Origin: https://chat.example\r\nUser-Agent: " + agent + "\r\nSec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Protocol: token.abc123\r\nCookie: " + cookie + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    @Test
    void repeatedValuesAndPathsAreSharedAcrossParsers() {
        HttpRequest a = parse(request("/chat/room-7", "chat.example:8443", "Mozilla/5.0 (X11; Linux x86_64) Test/1.0",
                "dGhlIHNhbXBsZSBub25jZQ==", "session=s1"));
        HttpRequest b = parse(request("/chat/room-7", "chat.example:8443", "Mozilla/5.0 (X11; Linux x86_64) Test/1.0",
                "dGhlIHNhbXBsZSBub25jZQ==", "session=s1"));
        assertEquals("/chat/room-7", b.target());
        assertSame(a.target(), b.target());
        for (String field : new String[] {"Host", "Origin", "User-Agent"}) {
            assertEquals(a.headers().first(field).orElseThrow(), b.headers().first(field).orElseThrow());
            assertSame(a.headers().first(field).orElseThrow(), b.headers().first(field).orElseThrow(), field);
        }
        for (String field : new String[] {"Sec-WebSocket-Key", "Cookie", "Sec-WebSocket-Protocol"}) {
            assertEquals(a.headers().first(field).orElseThrow(), b.headers().first(field).orElseThrow());
            assertNotSame(a.headers().first(field).orElseThrow(), b.headers().first(field).orElseThrow(), field);
        }
    }

    @Test
    void aTargetWithAQueryIsNotShared() {
        HttpRequest a = parse(request("/chat?token=secret", "h", "ua", "dGhlIHNhbXBsZSBub25jZQ==", "c=1"));
        HttpRequest b = parse(request("/chat?token=secret", "h", "ua", "dGhlIHNhbXBsZSBub25jZQ==", "c=1"));
        assertEquals("/chat?token=secret", b.target());
        assertNotSame(a.target(), b.target());
        assertEquals("token=secret", b.rawQuery());
    }

    @Test
    void differentBytesGiveTheirOwnValueEvenInTheSameSlot() {
        // Many distinct hosts, each parsed twice: whatever slots they land in, every value read back is its own,
        // including bytes above 0x7F (obs-text, read as ISO-8859-1).
        for (int i = 0; i < 2000; i++) {
            String host = "h" + i + ".example";
            String agent = "agent-\u00e9-" + (i % 7);
            for (int twice = 0; twice < 2; twice++) {
                HttpRequest r = parse(request("/p" + (i % 13), host, agent, "dGhlIHNhbXBsZSBub25jZQ==", "c=" + i));
                assertEquals(host, r.headers().first("Host").orElseThrow());
                assertEquals(agent, r.headers().first("User-Agent").orElseThrow());
                assertEquals("/p" + (i % 13), r.path());
            }
        }
    }
}
