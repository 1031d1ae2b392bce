package dev.sleet.server;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.UpgradeRequest;

/**
 * Answers plain HTTP requests — those that are not WebSocket upgrades — on the WebSocket port, e.g. to serve
 * the page of a browser client. It runs off the event loops like every handler. Without one, the server answers
 * 426 Upgrade Required. With HTTP/1.1 the connection stays open for the next request (keep-alive, bounded by
 * {@code maxRequestsPerConnection} and {@code httpKeepAliveTimeout}) unless the request or the response says
 * {@code Connection: close}; see the guide's "Plain HTTP keep-alive". Per path: {@code route(path, httpHandler)}.
 */
@FunctionalInterface
public interface HttpHandler {

    /** The response to {@code request} (method, path, query, headers and addresses as for an upgrade). */
    HttpResponse handle(UpgradeRequest request) throws Exception;
}
