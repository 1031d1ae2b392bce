package dev.sleet.handshake;

import dev.sleet.handshake.internal.CookieParser;
import dev.sleet.handshake.internal.QueryDecoder;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a handler sees of the upgrade request (LIFE-01): method, path, query, headers, addresses, the
 * subprotocols asked for and the one chosen. Immutable; the {@code with...} methods return copies. The server
 * builds it with {@link #of} from the parsed request and the socket's addresses.
 */
public final class UpgradeRequest {

    private final HttpRequest request;
    private final Map<String, List<String>> queryParams;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;
    private final List<String> requestedSubprotocols;
    private final String subprotocol;
    private final String serverName;
    private final InetSocketAddress peerAddress;
    private final boolean secure;
    private final Map<String, String> pathParams;
    /** Parsed on first use; racing threads build equal unmodifiable maps, published through the volatile write. */
    private volatile Map<String, String> cookies;

    private UpgradeRequest(HttpRequest request, Map<String, List<String>> queryParams,
                           InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                           List<String> requestedSubprotocols, String subprotocol, String serverName,
                           InetSocketAddress peerAddress, boolean secure, Map<String, String> pathParams) {
        this.request = request;
        this.queryParams = queryParams;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.requestedSubprotocols = requestedSubprotocols;
        this.subprotocol = subprotocol;
        this.serverName = serverName;
        this.peerAddress = peerAddress;
        this.secure = secure;
        this.pathParams = pathParams;
    }

    /**
     * The view of {@code request} received from {@code remote} on {@code local}, with no subprotocol chosen, no
     * server name, {@code remote} as the peer too, and not secure.
     *
     * @throws HandshakeException (400) when the query has a malformed escape or invalid UTF-8, or
     *                            {@code Sec-WebSocket-Protocol} is malformed
     */
    public static UpgradeRequest of(HttpRequest request, InetSocketAddress remote, InetSocketAddress local) {
        Objects.requireNonNull(request, "request");
        return new UpgradeRequest(request, QueryDecoder.decode(request.rawQuery()),
                Objects.requireNonNull(remote, "remote"), Objects.requireNonNull(local, "local"),
                HandshakeNegotiator.offeredSubprotocols(request.headers()), null, null, remote, false, Map.of());
    }

    /**
     * This view with {@code name} as the chosen subprotocol; {@code null} for none.
     *
     * @throws IllegalArgumentException when the client did not ask for {@code name} (RFC 6455 §4.2.2)
     */
    public UpgradeRequest withSubprotocol(String name) {
        if (name != null && !requestedSubprotocols.contains(name)) {
            throw new IllegalArgumentException("the client did not ask for subprotocol " + name);
        }
        return new UpgradeRequest(request, queryParams, remoteAddress, localAddress, requestedSubprotocols, name,
                serverName, peerAddress, secure, pathParams);
    }

    /** This view with the TLS SNI server name the client sent; {@code null} for none. */
    public UpgradeRequest withServerName(String name) {
        return new UpgradeRequest(request, queryParams, remoteAddress, localAddress, requestedSubprotocols,
                subprotocol, name, peerAddress, secure, pathParams);
    }

    /**
     * This view with {@code peer} as the socket's other end, when that is not the client: the proxy whose PROXY
     * protocol header named the client given to {@link #of}.
     */
    public UpgradeRequest withPeerAddress(InetSocketAddress peer) {
        return new UpgradeRequest(request, queryParams, remoteAddress, localAddress, requestedSubprotocols,
                subprotocol, serverName, Objects.requireNonNull(peer, "peer"), secure, pathParams);
    }

    /** This view marked as arriving over TLS ({@code wss://}) or not. */
    public UpgradeRequest withSecure(boolean isSecure) {
        return new UpgradeRequest(request, queryParams, remoteAddress, localAddress, requestedSubprotocols,
                subprotocol, serverName, peerAddress, isSecure, pathParams);
    }

    /**
     * This view with the client and scheme that {@code Forwarded} or {@code X-Forwarded-For}/{@code -Proto} give,
     * read only when {@link #remoteAddress()} is one of {@code proxies} (see {@link TrustedProxies#resolve}).
     */
    public UpgradeRequest withForwarding(TrustedProxies proxies) {
        TrustedProxies.Client client = proxies.resolve(remoteAddress, secure, request.headers());
        if (client.address().equals(remoteAddress) && client.secure() == secure) {
            return this;
        }
        return new UpgradeRequest(request, queryParams, client.address(), localAddress, requestedSubprotocols,
                subprotocol, serverName, peerAddress, client.secure(), pathParams);
    }

    /**
     * This view with the path parameters of the route that matched it ({@code /rooms/{room}} → {@code room}),
     * decoded; the server sets them.
     */
    public UpgradeRequest withPathParams(Map<String, String> params) {
        return new UpgradeRequest(request, queryParams, remoteAddress, localAddress, requestedSubprotocols,
                subprotocol, serverName, peerAddress, secure,
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params)));
    }

    /** The path parameters of the matched route, in template order; empty for an exact route or none. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** The decoded value of path parameter {@code name} ({@code {name}} in the route's template), if any. */
    public Optional<String> pathParam(String name) {
        return Optional.ofNullable(pathParams.get(name));
    }

    /** The method: {@code GET}. */
    public String method() {
        return request.method();
    }

    /** The request target as sent. */
    public String target() {
        return request.target();
    }

    /** The path, not decoded: {@code /chat}. */
    public String path() {
        return request.path();
    }

    /** The query after {@code ?}, not decoded; empty when there is none. */
    public String rawQuery() {
        return request.rawQuery();
    }

    /** The decoded query parameters, in order of first appearance, each with its values in order. */
    public Map<String, List<String>> queryParams() {
        return queryParams;
    }

    /** The first decoded value of query parameter {@code name}. */
    public Optional<String> queryParam(String name) {
        List<String> v = queryParams.get(name);
        return v == null ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The header fields (case-insensitive names, repeatable). */
    public HttpHeaders headers() {
        return request.headers();
    }

    /**
     * The request's cookies ({@code Cookie} header, RFC 6265 §5.4), each name with its first value, in the order sent;
     * empty when there is none. Names are case-sensitive; pairs without {@code =}, with a name that is not a token
     * or with control characters are skipped; a value in double quotes loses them; several {@code Cookie} fields are
     * read as one list.
     */
    public Map<String, String> cookies() {
        Map<String, String> c = cookies;
        if (c == null) {
            c = CookieParser.parse(request.headers());
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
        return remoteAddress;
    }

    /** The socket's other end: the client itself, or the proxy in front of it. */
    public InetSocketAddress peerAddress() {
        return peerAddress;
    }

    /**
     * True when the client used TLS ({@code wss://}): the connection arrived on a TLS listener, or a trusted proxy
     * said {@code proto=https} (or {@code X-Forwarded-Proto: https}) for it; false when a trusted proxy said
     * {@code http}.
     */
    public boolean secure() {
        return secure;
    }

    /** The server address the connection arrived on. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The subprotocols the client asked for, in its order. */
    public List<String> requestedSubprotocols() {
        return requestedSubprotocols;
    }

    /** The chosen subprotocol, if any. */
    public Optional<String> subprotocol() {
        return Optional.ofNullable(subprotocol);
    }

    /** The TLS SNI server name, when the connection is TLS and the client sent one. */
    public Optional<String> serverName() {
        return Optional.ofNullable(serverName);
    }

    /** The parsed request underneath. */
    public HttpRequest request() {
        return request;
    }

    @Override
    public String toString() {
        return "UpgradeRequest[" + request.method() + " " + request.target() + " from " + remoteAddress
                + (peerAddress.equals(remoteAddress) ? "" : " via " + peerAddress)
                + (subprotocol == null ? "" : ", subprotocol " + subprotocol) + "]";
    }
}
