package dev.sleet.server.internal;

import dev.sleet.core.internal.EventLoop;

import dev.sleet.handshake.HandshakeException;
import dev.sleet.handshake.HttpLimits;
import dev.sleet.handshake.HttpRequest;
import dev.sleet.handshake.HttpRequestParser;
import dev.sleet.handshake.TrustedProxies;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.internal.ServerRequests;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A connection before its upgrade (RFC 6455 §4.2.1): the incremental request parser with its limits, the request
 * view the handler sees, and the bytes a client sent right behind its request while the handler decides (its
 * first frames). Dropped once the connection opens or is rejected, so an open connection keeps none of it.
 *
 * <p>Loop-confined: every method runs on the connection's event loop.
 */
final class HandshakeStage {
    /**
     * Bytes kept from behind the request while the handler decides. Reading is paused then, so at most one read's
     * worth arrives; more than this (a client that pipelines a flood before the 101) is refused with 400.
     */
    static final int MAX_EARLY_BYTES = EventLoop.READ_BUFFER_SIZE;

    private HttpRequestParser parser;
    private ByteBuffer early;

    HandshakeStage(HttpLimits limits) {
        this.parser = new HttpRequestParser(limits);
    }

    /**
     * Feeds request bytes; returns the request once its header block is complete, else null.
     *
     * @throws HandshakeException with the status to answer (400, 414, 431, ...) when the request is malformed
     */
    HttpRequest consume(ByteBuffer buf) throws HandshakeException {
        if (!parser.parse(buf)) {
            return null;
        }
        HttpRequest request = parser.request();
        parser = null;
        return request;
    }

    /**
     * The handler's view of {@code request} from {@code client} (the socket's peer, or what a PROXY header named)
     * over a socket whose other end is {@code peer}, with the client and scheme trusted proxies' forwarding headers
     * give. A plain view: {@link ServerRequests#upgrade} makes it an upgrade's.
     *
     * @throws HandshakeException (400) for a malformed query escape or a query that is not UTF-8
     */
    static HttpServerRequest view(HttpRequest request, InetSocketAddress client, InetSocketAddress peer,
            InetSocketAddress local, String serverName, boolean secure, TrustedProxies trusted)
            throws HandshakeException {
        return ServerRequests.http(request, client, peer, local, serverName, secure, trusted);
    }

    /** Keeps bytes that arrived behind the request for the frame parser. */
    void stash(ByteBuffer buf) throws HandshakeException {
        int n = buf.remaining();
        if (n == 0) {
            return;
        }
        int held = early == null ? 0 : early.position();
        if (held + n > MAX_EARLY_BYTES) {
            throw new HandshakeException(400, "too many bytes before the handshake completed");
        }
        if (early == null) {
            early = ByteBuffer.allocate(Math.max(n, 256));
        } else if (early.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_EARLY_BYTES, Math.max(early.capacity() * 2, held + n)));
            early.flip();
            bigger.put(early);
            early = bigger;
        }
        early.put(buf);
    }

    /** The stashed bytes, ready to read, or null; the stage lets go of them. */
    ByteBuffer takeEarly() {
        ByteBuffer e = early;
        early = null;
        return e == null ? null : e.flip();
    }
}
