package dev.sleet.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@link TrustedProxies}: CIDR ranges, and the RFC 7239 {@code Forwarded} / {@code X-Forwarded-For} walk. */
class TrustedProxiesForwardedTest {

    private static final TrustedProxies TRUSTED = TrustedProxies.of("10.0.0.0/8", "127.0.0.1", "2001:db8:ffff::/48");

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static InetSocketAddress at(String s, int port) throws Exception {
        return new InetSocketAddress(ip(s), port);
    }

    private static TrustedProxies.Client resolve(String peer, String... headers) throws Exception {
        return TRUSTED.resolve(at(peer, 40000), false, HttpHeaders.of(headers));
    }

    @Test
    void cidrRanges() throws Exception {
        assertTrue(TRUSTED.contains(ip("10.255.1.2")));
        assertFalse(TRUSTED.contains(ip("11.0.0.1")));
        assertTrue(TRUSTED.contains(ip("127.0.0.1")));
        assertFalse(TRUSTED.contains(ip("127.0.0.2")));
        assertTrue(TRUSTED.contains(ip("2001:db8:ffff:1::9")));
        assertFalse(TRUSTED.contains(ip("2001:db8:fffe::1")));
        assertTrue(TrustedProxies.of("::ffff:10.0.0.0/104").contains(ip("10.1.1.1"))); // mapped: IPv4 /8
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of("::ffff:10.0.0.0/95"));
        assertTrue(TrustedProxies.of("172.16.0.0/12").contains(ip("172.31.255.255")));
        assertFalse(TrustedProxies.of("172.16.0.0/12").contains(ip("172.32.0.0")));
        assertTrue(TrustedProxies.of("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertTrue(TrustedProxies.none().isEmpty());
    }

    @Test
    void badRangesAreRefused() {
        for (String bad : new String[] {"localhost", "10.0.0.0/33", "10.1.0.0/8", "::1/129", "10.0.0.0/", "1.2.3",
                "010.0.0.1", "10.0.0.0/08", "fe80::1%eth0", ""}) {
            assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(bad), bad);
        }
    }

    @Test
    void untrustedPeerIsNeverBelieved() throws Exception {
        TrustedProxies.Client c = resolve("203.0.113.9", "Forwarded", "for=192.0.2.60;proto=https",
                "X-Forwarded-For", "192.0.2.61");
        assertEquals(at("203.0.113.9", 40000), c.address());
        assertFalse(c.secure());
    }

    @Test
    void forwardedRightMostUntrusted() throws Exception {
        TrustedProxies.Client c = resolve("10.0.0.1",
                "Forwarded", "for=198.51.100.17;proto=http, for=192.0.2.60;proto=https, for=10.0.0.7");
        assertEquals(at("192.0.2.60", 0), c.address()); // 10.0.0.7 is trusted, 192.0.2.60 is not: stop
        assertTrue(c.secure());
    }

    @Test
    void forwardedQuotedIpv6WithPortAndSeveralFields() throws Exception {
        TrustedProxies.Client c = resolve("127.0.0.1", "Forwarded", "for=192.0.2.1",
                "Forwarded", "For=\"[2001:db8:cafe::17]:4711\";Proto=HTTPS;by=_proxy");
        assertEquals(at("2001:db8:cafe::17", 4711), c.address());
        assertTrue(c.secure());
    }

    @Test
    void unknownAndObfuscatedEndTheWalk() throws Exception {
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "for=192.0.2.1, for=unknown").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "for=192.0.2.1, for=_gazonk").address());
        assertEquals(at("10.0.0.7", 0),
                resolve("10.0.0.1", "Forwarded", "for=_hidden, for=10.0.0.7").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "proto=https").address());
    }

    @Test
    void malformedForwardedIsIgnoredWhole() throws Exception {
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "for=192.0.2.1;").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "for=\"192.0.2.1").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "for=1.2.3.4:80").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "Forwarded", "for=1.2.3.4;for=5.6.7.8").address());
    }

    @Test
    void forwardedWinsOverXForwardedFor() throws Exception {
        assertEquals(at("192.0.2.1", 0), resolve("10.0.0.1", "X-Forwarded-For", "192.0.2.99",
                "Forwarded", "for=192.0.2.1").address());
    }

    @Test
    void xForwardedForAndProto() throws Exception {
        TrustedProxies.Client c = resolve("10.0.0.1", "X-Forwarded-For", "198.51.100.1, 192.0.2.60",
                "X-Forwarded-For", "10.2.3.4", "X-Forwarded-Proto", "https");
        assertEquals(at("192.0.2.60", 0), c.address());
        assertTrue(c.secure()); // the one proto lines up with 10.2.3.4's hop; the client's hop says none: it stays
        TrustedProxies.Client one = resolve("10.0.0.1", "X-Forwarded-For", "2001:db8::5",
                "X-Forwarded-Proto", "https");
        assertEquals(at("2001:db8::5", 0), one.address());
        assertTrue(one.secure());
        assertEquals(at("192.0.2.7", 8080), resolve("10.0.0.1", "X-Forwarded-For", "192.0.2.7:8080").address());
        assertEquals(at("2001:db8::5", 443), resolve("10.0.0.1", "X-Forwarded-For", "[2001:db8::5]:443").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "X-Forwarded-For", "garbage").address());
        assertEquals(at("10.0.0.1", 40000), resolve("10.0.0.1", "X-Forwarded-For", "example.com").address());
    }
}
