package dev.sleet.server;

import dev.sleet.core.Connection;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.HttpServerRequest;

/**
 * Answers plain HTTP requests — those that are not WebSocket upgrades — on the WebSocket port, e.g. to serve
 * the page of a browser client. It runs off the event loops like every handler. Without one, the server answers
 * 426 Upgrade Required. With HTTP/1.1 the connection stays open for the next request (keep-alive, bounded by
 * {@code maxRequestsPerConnection} and {@code httpKeepAliveTimeout}) unless the request or the response says
 * {@code Connection: close}; see the guide's "Plain HTTP keep-alive". Per path: {@code route(path, httpHandler)}.
 */
@FunctionalInterface
public interface HttpHandler {

    /**
     * The response to {@code request}: a plain request, never an upgrade (its method, path, query, headers,
     * cookies, route parameters and addresses). Null answers 404; an exception answers 500 and is logged.
     */
    HttpResponse handle(HttpServerRequest request) throws Exception;
}
