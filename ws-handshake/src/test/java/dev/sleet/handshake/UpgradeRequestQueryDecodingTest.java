package dev.sleet.handshake;

import dev.sleet.handshake.internal.ServerRequests;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.sleet.handshake.TestRequests.BROWSER;
import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The handler's view of the request: decoded query, headers, addresses, subprotocols asked for, SNI. */
class UpgradeRequestQueryDecodingTest {

    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50123);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

    private static UpgradeRequest of(String target) {
        return TestRequests.upgrade(parse(MINIMAL.replace("GET /chat", "GET " + target)), REMOTE, LOCAL);
    }

    @Test
    void browserRequestView() {
        UpgradeRequest u = TestRequests.upgrade(parse(BROWSER), REMOTE, LOCAL);
        assertEquals("GET", u.method());
        assertEquals("/chat", u.path());
        assertEquals("room=lobby&name=J%C3%BCrgen", u.rawQuery());
        assertEquals(Optional.of("lobby"), u.queryParam("room"));
        assertEquals(Optional.of("Jürgen"), u.queryParam("name"));
        assertEquals(Optional.empty(), u.queryParam("missing"));
        assertEquals(Optional.of("https://chat.example.com"), u.headers().first("origin"));
        assertEquals(REMOTE, u.remoteAddress());
        assertEquals(LOCAL, u.localAddress());
        assertEquals(List.of("chat", "superchat"), u.requestedSubprotocols());
        assertEquals(Optional.empty(), u.serverName());
    }

    @Test
    void formEncodingRepeatedNamesAndBareNames() {
        UpgradeRequest u = of("/s?q=a+b%2Bc&tag=x&tag=y&flag&&empty=&%E2%82%AC=euro");
        assertEquals(Map.of("q", List.of("a b+c"), "tag", List.of("x", "y"), "flag", List.of(""),
                "empty", List.of(""), "€", List.of("euro")), u.queryParams());
        assertEquals(List.of("q", "tag", "flag", "empty", "€"), List.copyOf(u.queryParams().keySet()));
        assertEquals(Optional.of("x"), u.queryParam("tag"));
        assertEquals(Map.of(), of("/s").queryParams());
        assertEquals(Map.of("a", List.of("b=c")), of("/s?a=b=c").queryParams());
    }

    @Test
    void malformedEscapesAndInvalidUtf8AreRefusedWith400() {
        for (String bad : new String[] {"/s?a=%", "/s?a=%4", "/s?a=%zz", "/s?a=%C3", "/s?a=%FF%FE", "/s?%C0%AF=1"}) {
            HandshakeException e = assertThrows(HandshakeException.class, () -> of(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }

    @Test
    void aPlainRequestIsNoUpgradeAndIgnoresTheSubprotocolHeader() {
        // Sec-WebSocket-Protocol is malformed (RFC 6455 §4.1: tokens); only an upgrade reads it
        HttpRequest plain = parse("GET /page?x=1 HTTP/1.1\r\nHost: h\r\nSec-WebSocket-Protocol: a/b\r\n\r\n");
        HttpServerRequest view = TestRequests.http(plain, REMOTE, LOCAL, null);
        assertFalse(view instanceof UpgradeRequest);
        assertEquals("/page", view.path());
        assertEquals(Optional.of("1"), view.queryParam("x"));
        assertEquals(400, assertThrows(HandshakeException.class, () -> ServerRequests.upgrade(view)).status());
    }

    @Test
    void theUpgradeKeepsWhatThePlainViewHad() {
        HttpServerRequest plain = ServerRequests.withPathParams(
                TestRequests.http(parse(BROWSER), REMOTE, LOCAL, "chat.example.com"), Map.of("room", "7"));
        UpgradeRequest u = ServerRequests.upgrade(plain);
        assertEquals(List.of("chat", "superchat"), u.requestedSubprotocols());
        assertEquals(Optional.of("7"), u.pathParam("room"));
        assertEquals(Optional.of("lobby"), u.queryParam("room"));
        assertEquals(Optional.of("chat.example.com"), u.serverName());
        assertTrue(u.secure());
        assertEquals(REMOTE, u.remoteAddress());
    }

    @Test
    void serverNameFromTls() {
        HttpServerRequest r = TestRequests.http(parse(MINIMAL), REMOTE, LOCAL, "chat.example.com");
        assertEquals(Optional.of("chat.example.com"), r.serverName());
        assertEquals(Optional.of("chat.example.com"), ServerRequests.upgrade(r).serverName());
        assertEquals(Optional.empty(), of("/").serverName());
    }
}
