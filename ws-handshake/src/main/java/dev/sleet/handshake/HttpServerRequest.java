package dev.sleet.handshake;

import dev.sleet.handshake.internal.CookieParser;
import dev.sleet.handshake.internal.QueryDecoder;
import dev.sleet.handshake.internal.ServerRequests;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a handler sees of an HTTP request that reached the server: method, path, query, headers, cookies, the
 * matched route's path parameters, and the addresses of the connection it came on. A plain HTTP request (one
 * that is not a WebSocket upgrade) arrives as exactly this type; an upgrade arrives as the {@link UpgradeRequest}
 * subtype, which adds what only a WebSocket handshake has. Immutable; the server builds it, applications only
 * read it.
 */
public sealed class HttpServerRequest permits UpgradeRequest {

    static {
        ServerRequests.install(new Factory());
    }

    /** The parts every request view shares; only this package and the server's factory build them. */
    record Parts(HttpRequest request, Map<String, List<String>> queryParams, InetSocketAddress remoteAddress,
                 InetSocketAddress peerAddress, InetSocketAddress localAddress, boolean secure, String serverName,
                 Map<String, String> pathParams) {
    }

    final Parts parts;
    /** Parsed on first use; racing threads build equal unmodifiable maps, published through the volatile write. */
    private volatile Map<String, String> cookies;

    HttpServerRequest(Parts parts) {
        this.parts = parts;
    }

    /** The path parameters of the matched route, in template order; empty for an exact route or none. */
    public Map<String, String> pathParams() {
        return parts.pathParams();
    }

    /** The decoded value of path parameter {@code name} ({@code {name}} in the route's template), if any. */
    public Optional<String> pathParam(String name) {
        return Optional.ofNullable(parts.pathParams().get(name));
    }

    /** The method, case-sensitive: {@code GET}. */
    public String method() {
        return parts.request().method();
    }

    /** The request target as sent. */
    public String target() {
        return parts.request().target();
    }

    /** The path, not decoded: {@code /chat}. */
    public String path() {
        return parts.request().path();
    }

    /** The query after {@code ?}, not decoded; empty when there is none. */
    public String rawQuery() {
        return parts.request().rawQuery();
    }

    /** The decoded query parameters, in order of first appearance, each with its values in order. */
    public Map<String, List<String>> queryParams() {
        return parts.queryParams();
    }

    /** The first decoded value of query parameter {@code name}. */
    public Optional<String> queryParam(String name) {
        List<String> v = parts.queryParams().get(name);
        return v == null ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The header fields (case-insensitive names, repeatable). */
    public HttpHeaders headers() {
        return parts.request().headers();
    }

    /**
     * The request's cookies ({@code Cookie} header, RFC 6265 §5.4), each name with its first value, in the order
     * sent; empty when there is none. Names are case-sensitive; pairs without {@code =}, with a name that is not a
     * token or with control characters are skipped; a value in double quotes loses them; several {@code Cookie}
     * fields are read as one list.
     */
    public Map<String, String> cookies() {
        Map<String, String> c = cookies;
        if (c == null) {
            c = CookieParser.parse(parts.request().headers());
            cookies = c;
        }
        return c;
    }

    /** The value of cookie {@code name} (case-sensitive), if the request carries it; see {@link #cookies()}. */
    public Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies().get(name));
    }

    /**
     * The client's address: the socket's peer, or — behind a load balancer — the client a PROXY protocol header or
     * a trusted proxy's {@code Forwarded}/{@code X-Forwarded-For} named. A forwarded address without a port has
     * port 0.
     */
    public InetSocketAddress remoteAddress() {
        return parts.remoteAddress();
    }

    /** The socket's other end: the client itself, or the proxy in front of it. */
    public InetSocketAddress peerAddress() {
        return parts.peerAddress();
    }

    /**
     * True when the client used TLS ({@code https://}, {@code wss://}): the connection arrived on a TLS listener, or
     * a trusted proxy said {@code proto=https} (or {@code X-Forwarded-Proto: https}) for it; false when a trusted
     * proxy said {@code http}.
     */
    public boolean secure() {
        return parts.secure();
    }

    /** The server address the connection arrived on. */
    public InetSocketAddress localAddress() {
        return parts.localAddress();
    }

    /** The TLS SNI server name, when the connection is TLS and the client sent one. */
    public Optional<String> serverName() {
        return Optional.ofNullable(parts.serverName());
    }

    /** The parsed request head underneath. */
    public HttpRequest request() {
        return parts.request();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + method() + " " + target() + " from " + remoteAddress()
                + (peerAddress().equals(remoteAddress()) ? "" : " via " + peerAddress()) + "]";
    }

    /** How the server's factory (in the internal package) builds views; see {@link ServerRequests}. */
    private static final class Factory implements ServerRequests.Factory {

        @Override
        public HttpServerRequest http(HttpRequest request, InetSocketAddress client, InetSocketAddress peer,
                                      InetSocketAddress local, String serverName, boolean secure,
                                      TrustedProxies trusted) {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(local, "local");
            InetSocketAddress remote = client;
            boolean isSecure = secure;
            if (!trusted.isEmpty()) {
                TrustedProxies.Client c = trusted.resolve(client, secure, request.headers());
                remote = c.address();
                isSecure = c.secure();
            }
            return new HttpServerRequest(new Parts(request, QueryDecoder.decode(request.rawQuery()), remote,
                    peer, local, isSecure, serverName, Map.of()));
        }

        @Override
        public HttpServerRequest withPathParams(HttpServerRequest r, Map<String, String> params) {
            Parts p = r.parts;
            Parts q = new Parts(p.request(), p.queryParams(), p.remoteAddress(), p.peerAddress(), p.localAddress(),
                    p.secure(), p.serverName(), Collections.unmodifiableMap(new LinkedHashMap<>(params)));
            return r instanceof UpgradeRequest u ? new UpgradeRequest(q, u.requestedSubprotocols())
                    : new HttpServerRequest(q);
        }

        @Override
        public UpgradeRequest upgrade(HttpServerRequest r) {
            if (r instanceof UpgradeRequest u) {
                return u;
            }
            return new UpgradeRequest(r.parts, HandshakeNegotiator.offeredSubprotocols(r.headers()));
        }
    }
}
