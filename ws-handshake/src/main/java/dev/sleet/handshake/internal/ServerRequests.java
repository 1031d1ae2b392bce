package dev.sleet.handshake.internal;

import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.HttpRequest;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.TrustedProxies;
import dev.sleet.handshake.UpgradeRequest;

import java.lang.invoke.MethodHandles;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Builds the request views handlers read ({@link HttpServerRequest}, {@link UpgradeRequest}). This is server
 * plumbing, not API: the package is exported to {@code dev.sleet.server} only, and the views' constructors stay
 * package-private in {@code dev.sleet.handshake}, which hands this class its {@link Factory} when it is
 * initialised (the JDK's "shared secrets" pattern).
 *
 * <p>Threads: {@link #install} runs once, in {@code HttpServerRequest}'s class initialisation, which the JVM
 * orders before any read of {@code factory} that {@link #factory()} triggers.
 */
public final class ServerRequests {

    /** What {@code dev.sleet.handshake} implements for this class. */
    public interface Factory {
        /** See {@link ServerRequests#http}. */
        HttpServerRequest http(HttpRequest request, InetSocketAddress client, InetSocketAddress peer,
                               InetSocketAddress local, String serverName, boolean secure, TrustedProxies trusted);

        /** See {@link ServerRequests#withPathParams}. */
        HttpServerRequest withPathParams(HttpServerRequest request, Map<String, String> params);

        /** See {@link ServerRequests#upgrade}. */
        UpgradeRequest upgrade(HttpServerRequest request);
    }

    private static volatile Factory factory;

    private ServerRequests() {
    }

    /**
     * Called once by {@code HttpServerRequest}'s static initialiser.
     *
     * @throws IllegalStateException on a second call
     */
    public static synchronized void install(Factory f) {
        if (factory != null) {
            throw new IllegalStateException("the request factory is installed already");
        }
        factory = f;
    }

    private static Factory factory() {
        Factory f = factory;
        if (f == null) {
            try {
                MethodHandles.lookup().ensureInitialized(HttpServerRequest.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            f = factory;
        }
        return f;
    }

    /**
     * The view of {@code request} from {@code client} (the socket's peer, or what a PROXY protocol header named)
     * over a socket whose other end is {@code peer}, arriving on {@code local}; with the client and scheme that
     * {@code trusted} proxies' forwarding headers give (see {@link TrustedProxies#resolve}), and no path
     * parameters.
     *
     * @param serverName the TLS SNI name the client sent, or null
     * @param secure     whether the connection is TLS
     * @throws HandshakeException (400) when the query has a malformed escape or invalid UTF-8
     */
    public static HttpServerRequest http(HttpRequest request, InetSocketAddress client, InetSocketAddress peer,
                                         InetSocketAddress local, String serverName, boolean secure,
                                         TrustedProxies trusted) {
        return factory().http(request, client, peer, local, serverName, secure, trusted);
    }

    /** {@code request} (plain or upgrade, kept so) with the matched route's decoded path parameters. */
    @SuppressWarnings("unchecked")
    public static <R extends HttpServerRequest> R withPathParams(R request, Map<String, String> params) {
        return (R) factory().withPathParams(request, params);
    }

    /**
     * {@code request} as an upgrade, with the subprotocols the client asked for.
     *
     * @throws HandshakeException (400) when {@code Sec-WebSocket-Protocol} is malformed (RFC 6455 §4.1)
     */
    public static UpgradeRequest upgrade(HttpServerRequest request) {
        return factory().upgrade(request);
    }
}
