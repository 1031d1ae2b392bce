package dev.sleet.server;

import static dev.sleet.server.ProxyProtocolListenerTest.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawWebSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code trustedProxies(...)} over real sockets: {@code Forwarded} (RFC 7239) and {@code X-Forwarded-For} /
 * {@code -Proto} name the client only when the socket's peer (here 127.0.0.1) is trusted; anyone else's headers are
 * ignored. With the PROXY protocol as well, the walk starts from the address its header named.
 */
class TrustedProxyForwardedTest {

    private static UpgradeRequest upgrade(WebSocketServer server, ProxyProtocolListenerTest.Seen h, byte[] preamble,
            String headers) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.getOutputStream().write(preamble);
        try (RawWebSocket ws = RawWebSocket.upgradeOn(s, "/", headers)) {
            ws.sendText("x");
            assertEquals("x", ws.readFrame(Duration.ofSeconds(10)).text());
            UpgradeRequest r = h.awaitRequest();
            assertEquals(r.remoteAddress(), h.awaitOpen().remoteAddress(), "the connection says the same");
            return r;
        }
    }

    private static UpgradeRequest upgrade(WebSocketServer server, ProxyProtocolListenerTest.Seen h, String headers)
            throws Exception {
        return upgrade(server, h, new byte[0], headers);
    }

    @Test
    void trustedPeerForwardedNamesTheClientAndScheme() throws Exception {
        ProxyProtocolListenerTest.Seen h = new ProxyProtocolListenerTest.Seen();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h)
                .trustedProxies("127.0.0.1", "10.0.0.0/8").start()) {
            UpgradeRequest r = upgrade(server, h,
                    "Forwarded: for=198.51.100.9, for=\"[2001:db8::1]:4711\";proto=https, for=10.1.1.1\r\n");
            assertEquals(at("2001:db8::1", 4711), r.remoteAddress());
            assertTrue(r.secure());
            assertEquals(InetAddress.getLoopbackAddress(), r.peerAddress().getAddress());

            UpgradeRequest x = upgrade(server, h, "X-Forwarded-For: 192.0.2.33, 10.9.9.9\r\n"
                    + "X-Forwarded-Proto: http\r\n");
            assertEquals(at("192.0.2.33", 0), x.remoteAddress());
            assertFalse(x.secure());

            UpgradeRequest unknown = upgrade(server, h, "Forwarded: for=192.0.2.1, for=unknown\r\n");
            assertEquals(unknown.peerAddress(), unknown.remoteAddress());
        }
    }

    @Test
    void untrustedPeerHeadersAreIgnored() throws Exception {
        ProxyProtocolListenerTest.Seen h = new ProxyProtocolListenerTest.Seen();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h)
                .trustedProxies("10.0.0.0/8", "::1").start()) {
            UpgradeRequest r = upgrade(server, h, "Forwarded: for=192.0.2.1;proto=https\r\n"
                    + "X-Forwarded-For: 192.0.2.2\r\nX-Forwarded-Proto: https\r\n");
            assertEquals(r.peerAddress(), r.remoteAddress());
            assertFalse(r.secure());
        }
        ProxyProtocolListenerTest.Seen none = new ProxyProtocolListenerTest.Seen();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(none).start()) {
            UpgradeRequest r = upgrade(server, none, "X-Forwarded-For: 192.0.2.2\r\n");
            assertEquals(r.peerAddress(), r.remoteAddress(), "no trusted proxies by default");
        }
    }

    @Test
    void proxyProtocolThenForwardedFromATrustedProxy() throws Exception {
        ProxyProtocolListenerTest.Seen h = new ProxyProtocolListenerTest.Seen();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(h)
                .proxyProtocol(true).trustedProxies("10.0.0.0/8").start()) {
            byte[] header = "PROXY TCP4 10.2.3.4 10.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(at("192.0.2.77", 0), upgrade(server, h, header, "X-Forwarded-For: 192.0.2.77\r\n")
                    .remoteAddress());
            byte[] untrusted = "PROXY TCP4 203.0.113.5 10.0.0.1 5555 80\r\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals(at("203.0.113.5", 5555), upgrade(server, h, untrusted, "X-Forwarded-For: 192.0.2.77\r\n")
                    .remoteAddress());
        }
    }

    @Test
    void badRangesFailAtTheBuilder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebSocketServer.builder().trustedProxies("proxy.internal"));
        assertTrue(e.getMessage().contains("host names are not allowed"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().trustedProxies("10.0.0.0/40"));
    }
}
