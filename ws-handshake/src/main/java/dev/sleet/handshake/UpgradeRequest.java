package dev.sleet.handshake;

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

    private UpgradeRequest(HttpRequest request, Map<String, List<String>> queryParams,
                           InetSocketAddress remoteAddress, InetSocketAddress localAddress,
                           List<String> requestedSubprotocols, String subprotocol, String serverName) {
        this.request = request;
        this.queryParams = queryParams;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
        this.requestedSubprotocols = requestedSubprotocols;
        this.subprotocol = subprotocol;
        this.serverName = serverName;
    }

    /**
     * The view of {@code request} received from {@code remote} on {@code local}, with no subprotocol chosen and no
     * server name.
     *
     * @throws HandshakeException (400) when the query has a malformed escape or invalid UTF-8, or
     *                            {@code Sec-WebSocket-Protocol} is malformed
     */
    public static UpgradeRequest of(HttpRequest request, InetSocketAddress remote, InetSocketAddress local) {
        Objects.requireNonNull(request, "request");
        return new UpgradeRequest(request, QueryDecoder.decode(request.rawQuery()),
                Objects.requireNonNull(remote, "remote"), Objects.requireNonNull(local, "local"),
                HandshakeNegotiator.offeredSubprotocols(request.headers()), null, null);
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
                serverName);
    }

    /** This view with the TLS SNI server name the client sent; {@code null} for none. */
    public UpgradeRequest withServerName(String name) {
        return new UpgradeRequest(request, queryParams, remoteAddress, localAddress, requestedSubprotocols,
                subprotocol, name);
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

    /** The client's address. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
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
                + (subprotocol == null ? "" : ", subprotocol " + subprotocol) + "]";
    }
}
