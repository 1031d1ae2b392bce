package dev.sleet.handshake;

import dev.sleet.handshake.ClientHandshakeException.Failure;
import dev.sleet.handshake.internal.HeadWriter;
import dev.sleet.handshake.internal.HttpChars;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * An HTTP proxy tunnel request (RFC 9110 §9.3.6): the {@code CONNECT} a client sends to a proxy before its TLS or
 * WebSocket handshake, and the check of the proxy's answer. Immutable.
 *
 * <pre>
 * CONNECT &lt;host&gt;:&lt;port&gt; HTTP/1.1
 * Host: &lt;host&gt;:&lt;port&gt;
 * Proxy-Authorization: Basic &lt;base64(user ":" password)&gt;     (with credentials; RFC 7617, UTF-8)
 * </pre>
 *
 * <p>The answer is read with a {@link HttpResponseParser}; the bytes after its head are the tunnel's (a 2xx to
 * {@code CONNECT} has no body, RFC 9110 §9.3.6). {@link #check} accepts any 2xx and otherwise fails with
 * {@link Failure#PROXY_AUTHENTICATION_REQUIRED} (407, the proxy's {@code Proxy-Authenticate} in the exception's
 * headers) or {@link Failure#PROXY_REFUSED}.
 *
 * <pre>{@code
 * HttpProxyConnect connect = HttpProxyConnect.to("chat.example.com", 443).withBasicAuth("alice", secret);
 * write(connect.request());
 * while (!parser.parse(readBuffer)) { read more }
 * connect.check(parser.response(), parser.bodyPrefix());   // then TLS and the upgrade go through the tunnel
 * }</pre>
 */
public final class HttpProxyConnect {

    private final String host;
    private final int port;
    private final String authority;
    private final String authorization;

    private HttpProxyConnect(String host, int port, String authorization) {
        this.host = host;
        this.port = port;
        this.authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        this.authorization = authorization;
    }

    /**
     * A tunnel to {@code host:port}, without credentials.
     *
     * @param host a DNS name or an IP literal (IPv6 without brackets; sent in brackets)
     * @throws IllegalArgumentException for an empty host, a host with characters that cannot appear in an
     *                                  authority, or a port outside 1–65535
     */
    public static HttpProxyConnect to(String host, int port) {
        Objects.requireNonNull(host, "host");
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
                    || c == '.' || c == '_' || c == ':';
            if (!ok) {
                throw new IllegalArgumentException("the host holds a character that cannot be sent: "
                        + String.format("U+%04X", (int) c) + " (convert a non-ASCII name with java.net.IDN.toASCII)");
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        return new HttpProxyConnect(h, port, null);
    }

    /**
     * This request with Basic credentials (RFC 7617: {@code user ":" password}, UTF-8, Base64).
     *
     * @throws IllegalArgumentException when the user id holds a colon or either holds a control character
     *                                  (RFC 7617 §2)
     */
    public HttpProxyConnect withBasicAuth(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a Basic user id cannot hold ':' (RFC 7617 §2)");
        }
        if (hasControl(user) || hasControl(password)) {
            throw new IllegalArgumentException("Basic credentials cannot hold control characters (RFC 7617 §2)");
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new HttpProxyConnect(host, port, "Basic " + token);
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c >= 0x80 && c < 0xA0) {
                return true;
            }
        }
        return false;
    }

    /** The tunnel's target host (an IPv6 literal without brackets). */
    public String host() {
        return host;
    }

    /** The tunnel's target port. */
    public int port() {
        return port;
    }

    /** True when the request carries {@code Proxy-Authorization}. */
    public boolean hasCredentials() {
        return authorization != null;
    }

    /** The request bytes, in a new buffer, position 0. */
    public ByteBuffer request() {
        HeadWriter w = new HeadWriter(128);
        w.ascii("CONNECT ").ascii(authority).ascii(" HTTP/1.1").crlf();
        w.field("Host", authority);
        if (authorization != null) {
            if (!HttpChars.isFieldValue(authorization)) {
                throw new IllegalStateException("unreachable: Base64 is always a field value");
            }
            w.field("Proxy-Authorization", authorization);
        }
        return w.crlf().toBuffer();
    }

    /**
     * Checks the proxy's answer: any 2xx opens the tunnel.
     *
     * @param bodyPrefix the first body bytes of a refusal (kept in the exception); may be empty
     * @throws ClientHandshakeException {@link Failure#PROXY_AUTHENTICATION_REQUIRED} for 407,
     *                                  {@link Failure#PROXY_REFUSED} for any other status that is not 2xx
     */
    public void check(HttpResponseHead response, byte[] bodyPrefix) {
        int s = response.status();
        if (s >= 200 && s <= 299) {
            return;
        }
        if (s == 407) {
            throw new ClientHandshakeException(Failure.PROXY_AUTHENTICATION_REQUIRED, authorization == null
                    ? "the proxy asks for credentials: " + response.headers().first("Proxy-Authenticate").orElse("?")
                    : "the proxy refused the credentials", response, bodyPrefix);
        }
        throw new ClientHandshakeException(Failure.PROXY_REFUSED, "the proxy answered CONNECT " + authority
                + " with " + s, response, bodyPrefix);
    }

    @Override
    public String toString() {
        return "CONNECT " + authority + (authorization == null ? "" : " (Basic)");
    }
}
