package dev.sleet.server;

import java.util.Objects;

/**
 * A path and what serves it: a {@link WebSocketHandler} for upgrades, an {@link HttpHandler} for plain HTTP
 * requests, or both. Given to {@code WebSocketServer.builder().route(...)}.
 *
 * <p>A path is exact ({@code /chat}) or a template whose segments may be {@code {name}} — exactly one non-empty
 * path segment, its value percent-decoded (UTF-8) and readable with {@code HttpServerRequest.pathParam(name)}:
 * {@code /rooms/{room}}. A segment is either literal or one whole parameter ({@code /a{b}} is refused). Matching is
 * on the request's path without its query, segment by segment and case-sensitive; a trailing slash matters
 * ({@code /chat/} is not {@code /chat}).
 *
 * @param path        the exact path or template, starting with {@code /}
 * @param handler     serves upgrade requests on this path, or null (then an upgrade here gets 404)
 * @param httpHandler serves plain HTTP requests on this path, or null (then they get 426 Upgrade Required)
 */
public record Route(String path, WebSocketHandler handler, HttpHandler httpHandler) {

    /** Checks the path and that at least one handler is given. */
    public Route {
        Objects.requireNonNull(path, "path");
        if (handler == null && httpHandler == null) {
            throw new IllegalArgumentException("a route needs a WebSocket handler, an HTTP handler or both: " + path);
        }
    }

    /** A WebSocket endpoint. */
    public static Route of(String path, WebSocketHandler handler) {
        return new Route(path, Objects.requireNonNull(handler, "handler"), null);
    }

    /** A plain-HTTP endpoint. */
    public static Route of(String path, HttpHandler httpHandler) {
        return new Route(path, null, Objects.requireNonNull(httpHandler, "httpHandler"));
    }

    /** A path serving both: upgrades go to {@code handler}, other requests to {@code httpHandler}. */
    public static Route of(String path, WebSocketHandler handler, HttpHandler httpHandler) {
        return new Route(path, Objects.requireNonNull(handler, "handler"),
                Objects.requireNonNull(httpHandler, "httpHandler"));
    }
}
