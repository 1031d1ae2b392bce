package dev.sleet.handshake;

import dev.sleet.handshake.internal.ServerRequests;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Small helpers shared by the tests. */
final class TestRequests {

    /** RFC 6455 §1.3's sample key. */
    static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** A minimal valid upgrade request, as RFC 6455 §1.3 shows it (with CRLF line ends). */
    static final String MINIMAL = """
            GET /chat HTTP/1.1\r
            Host: server.example.com\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    /** A request as Chromium sends it, about 500 bytes. */
    static final String BROWSER = """
            GET /chat?room=lobby&name=J%C3%BCrgen HTTP/1.1\r
            Host: chat.example.com:8080\r
            Connection: Upgrade\r
            Pragma: no-cache\r
            Cache-Control: no-cache\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36\r
            Upgrade: websocket\r
            Origin: https://chat.example.com\r
            Sec-WebSocket-Version: 13\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Accept-Language: en-US,en;q=0.9\r
            Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r
            Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r
            Sec-WebSocket-Protocol: chat, superchat\r
            \r
            """;

    private TestRequests() {
    }

    static ByteBuffer buffer(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Parses a complete head from one buffer, failing if it is incomplete. */
    static HttpRequest parse(String s) {
        return parse(s, HttpLimits.defaults());
    }

    static HttpRequest parse(String s, HttpLimits limits) {
        HttpRequestParser p = new HttpRequestParser(limits);
        if (!p.parse(buffer(s))) {
            throw new AssertionError("request head incomplete: " + s);
        }
        return p.request();
    }

    /** Replaces one header line {@code Name: value} (CRLF-terminated) of {@link #MINIMAL}-style text. */
    static String replaceLine(String request, String startsWith, String replacement) {
        int i = request.indexOf(startsWith);
        if (i < 0) {
            throw new IllegalArgumentException(startsWith + " not in request");
        }
        int end = request.indexOf("\r\n", i) + 2;
        return request.substring(0, i) + replacement + request.substring(end);
    }

    /** Inserts header lines just before the blank line ending the head. */
    static String withLines(String request, String... lines) {
        int end = request.indexOf("\r\n\r\n") + 2;
        return request.substring(0, end) + String.join("", lines) + request.substring(end);
    }

    static String body(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return new String(a, StandardCharsets.ISO_8859_1);
    }

    /** The upgrade view the server builds of {@code request} from {@code remote} on {@code local}: no TLS, no proxy. */
    static UpgradeRequest upgrade(HttpRequest request, InetSocketAddress remote, InetSocketAddress local) {
        return ServerRequests.upgrade(http(request, remote, local, null));
    }

    /** The plain view the server builds of {@code request}, with {@code serverName} as the TLS SNI name or null. */
    static HttpServerRequest http(HttpRequest request, InetSocketAddress remote, InetSocketAddress local,
                                  String serverName) {
        return ServerRequests.http(request, remote, remote, local, serverName, serverName != null,
                TrustedProxies.none());
    }
}
