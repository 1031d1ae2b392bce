package dev.sleet.handshake;

import dev.sleet.handshake.ClientHandshakeException.Failure;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code CONNECT} request (RFC 9110 §9.3.6) with and without Basic credentials (RFC 7617), read back by the
 * server's request parser, and the check of the proxy's answer for seeded random responses split at random points.
 */
class HttpProxyConnectTest {

    private static String text(ByteBuffer b) {
        return StandardCharsets.ISO_8859_1.decode(b).toString();
    }

    @Test
    void writesConnectWithAuthorityForm() {
        assertEquals("CONNECT chat.example.com:443 HTTP/1.1\r\nHost: chat.example.com:443\r\n\r\n",
                text(HttpProxyConnect.to("chat.example.com", 443).request()));
        assertEquals("CONNECT [2001:db8::1]:8443 HTTP/1.1\r\nHost: [2001:db8::1]:8443\r\n\r\n",
                text(HttpProxyConnect.to("2001:db8::1", 8443).request()));
        assertEquals("CONNECT [::1]:80 HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", text(HttpProxyConnect.to("[::1]", 80).request()));
        // Both halves of the head are well-formed for an HTTP/1.1 reader: ends with one blank line, CRLF only.
        String withAuth = text(HttpProxyConnect.to("example.com", 9000).withBasicAuth("u", "p").request());
        assertTrue(withAuth.startsWith("CONNECT example.com:9000 HTTP/1.1\r\nHost: example.com:9000\r\n"), withAuth);
        assertTrue(withAuth.endsWith("\r\n\r\n") && withAuth.indexOf("\r\n\r\n") == withAuth.length() - 4);
        assertFalse(withAuth.replace("\r\n", "").contains("\n") || withAuth.replace("\r\n", "").contains("\r"));
    }

    @Test
    void basicCredentialsFollowRfc7617() {
        // RFC 7617 §2's example.
        HttpProxyConnect c = HttpProxyConnect.to("example.com", 443).withBasicAuth("Aladdin", "open sesame");
        assertTrue(text(c.request()).contains("\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"));
        assertTrue(c.hasCredentials());
        assertFalse(HttpProxyConnect.to("example.com", 443).hasCredentials());
        // §2.1: UTF-8.
        String utf8 = text(HttpProxyConnect.to("example.com", 443).withBasicAuth("test", "123\u00a3").request());
        assertTrue(utf8.contains("Basic " + Base64.getEncoder().encodeToString(
                "test:123\u00a3".getBytes(StandardCharsets.UTF_8)) + "\r\n"), utf8);
        assertThrows(IllegalArgumentException.class, () -> c.withBasicAuth("a:b", "p"));
        assertThrows(IllegalArgumentException.class, () -> c.withBasicAuth("a", "p\r\nX: y"));
        assertThrows(IllegalArgumentException.class, () -> c.withBasicAuth("a\u0000", "p"));
    }

    @Test
    void refusesTargetsThatCannotBeSent() {
        for (String host : List.of("", "a b", "evil\r\nX: 1", "caf\u00e9.example", "host/path", "user@host")) {
            assertThrows(IllegalArgumentException.class, () -> HttpProxyConnect.to(host, 443), host);
        }
        assertThrows(IllegalArgumentException.class, () -> HttpProxyConnect.to("example.com", 0));
        assertThrows(IllegalArgumentException.class, () -> HttpProxyConnect.to("example.com", 65536));
    }

    @Test
    void seededRandomAnswersSplitAnywhere() {
        long base = TestSeeds.base();
        HttpProxyConnect connect = HttpProxyConnect.to("example.com", 443);
        for (int i = 0; i < 500; i++) {
            long seed = TestSeeds.ofCase(base, i);
            try {
                check(new SplittableRandom(seed), connect);
            } catch (AssertionError | RuntimeException e) {
                throw TestSeeds.failure(seed, e);
            }
        }
    }

    private static void check(SplittableRandom r, HttpProxyConnect connect) {
        int[] statuses = {200, 200, 204, 299, 407, 403, 502, 503, 301, 400};
        int status = statuses[r.nextInt(statuses.length)];
        StringBuilder head = new StringBuilder("HTTP/1.").append(r.nextInt(2)).append(' ').append(status)
                .append(r.nextBoolean() ? " Whatever Phrase" : "").append("\r\n");
        for (int k = r.nextInt(4); k > 0; k--) {
            head.append(r.nextBoolean() ? "Via" : "X-Proxy-" + k).append(": ").append("1.1 proxy").append("\r\n");
        }
        if (status == 407) {
            head.append("Proxy-Authenticate: Basic realm=\"corp\"\r\n");
        }
        String body = status >= 300 ? "denied by policy " + r.nextInt(1000) : "";
        if (!body.isEmpty()) {
            head.append("Content-Length: ").append(body.length()).append("\r\n");
        }
        head.append("\r\n");
        // After a 2xx, the tunnel's first bytes (a TLS record header here) may follow at once.
        byte[] tunnel = status < 300 ? new byte[] {0x16, 0x03, 0x03, 0x00, (byte) r.nextInt(256)} : new byte[0];
        byte[] h = (head + body).getBytes(StandardCharsets.ISO_8859_1);
        byte[] wire = new byte[h.length + tunnel.length];
        System.arraycopy(h, 0, wire, 0, h.length);
        System.arraycopy(tunnel, 0, wire, h.length, tunnel.length);

        HttpResponseParser p = new HttpResponseParser();
        ByteBuffer after = ByteBuffer.allocate(wire.length);
        boolean done = false;
        for (ByteBuffer piece : RandomRequests.split(r, wire)) {
            if (!done) {
                done = p.parse(piece);
            }
            if (done) {
                after.put(piece);
            }
        }
        assertTrue(done);
        after.flip();
        if (status >= 200 && status <= 299) {
            connect.check(p.response(), new byte[0]);
            byte[] rest = new byte[after.remaining()];
            after.get(rest);
            assertArrayEquals(tunnel, rest, "the tunnel's bytes are left alone");
            return;
        }
        p.readBodyPrefix(after);
        ClientHandshakeException e = assertThrows(ClientHandshakeException.class,
                () -> connect.check(p.response(), p.bodyPrefix()));
        assertEquals(status == 407 ? Failure.PROXY_AUTHENTICATION_REQUIRED : Failure.PROXY_REFUSED, e.failure());
        assertEquals(status, e.status());
        assertEquals(body, new String(e.bodyPrefix(), StandardCharsets.ISO_8859_1));
        if (status == 407) {
            assertEquals("Basic realm=\"corp\"", e.headers().first("Proxy-Authenticate").orElseThrow());
        }
    }
}
