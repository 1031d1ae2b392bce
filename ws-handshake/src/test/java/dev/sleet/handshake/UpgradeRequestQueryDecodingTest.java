package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.sleet.handshake.TestRequests.BROWSER;
import static dev.sleet.handshake.TestRequests.MINIMAL;
import static dev.sleet.handshake.TestRequests.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The handler's view of the request (LIFE-01): decoded query, headers, addresses, subprotocols, SNI. */
class UpgradeRequestQueryDecodingTest {

    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50123);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

    private static UpgradeRequest of(String target) {
        return UpgradeRequest.of(parse(MINIMAL.replace("GET /chat", "GET " + target)), REMOTE, LOCAL);
    }

    @Test
    void browserRequestView() {
        UpgradeRequest u = UpgradeRequest.of(parse(BROWSER), REMOTE, LOCAL);
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
        assertEquals(Optional.empty(), u.subprotocol());
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
    void subprotocolChoiceMustBeOneTheClientAskedFor() {
        UpgradeRequest u = UpgradeRequest.of(parse(BROWSER), REMOTE, LOCAL);
        assertEquals(Optional.of("superchat"), u.withSubprotocol("superchat").subprotocol());
        assertEquals(Optional.empty(), u.withSubprotocol("superchat").withSubprotocol(null).subprotocol());
        assertThrows(IllegalArgumentException.class, () -> u.withSubprotocol("mqtt"));
        assertEquals(Optional.empty(), u.subprotocol()); // immutable
    }

    @Test
    void serverNameFromTls() {
        UpgradeRequest u = of("/").withServerName("chat.example.com");
        assertEquals(Optional.of("chat.example.com"), u.serverName());
        assertEquals(Optional.of("chat.example.com"), u.withSubprotocol(null).serverName());
    }
}
