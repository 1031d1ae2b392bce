package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Routes over real sockets: exact and template paths, path parameters, 404 for unknown paths, precedence (exact
 * before template, then registration order), per-route plain HTTP, the catch-all {@code handler(h)}, and routes
 * refused at build.
 */
class RoutesTest {
    static final Duration T = Duration.ofSeconds(20);
    static final String UPGRADE = DecisionTimeoutTest.UPGRADE;

    /** Answers each message with "name|room|cookie sid". */
    static WebSocketHandler tagged(String name) {
        return new WebSocketHandler() {
            @Override
            public void onMessage(Connection c, Message m) {
                UpgradeRequest r = c.request();
                c.send(name + "|" + r.pathParam("room").orElse("-") + "|" + r.cookie("sid").orElse("-"));
            }
        };
    }

    static String ask(int port, String path, String headers) throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(port, path, headers)) {
            ws.sendText("?");
            return ws.readFrame(T).text();
        }
    }

    static RawHttp.Response get(int port, String path) throws Exception {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", T);
    }

    @Test
    void exactAndTemplateRoutesServeTheirPathsWithParameters() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/chat", tagged("chat"))
                .route("/rooms/{room}", tagged("room"))
                .start()) {
            assertEquals(400, RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /rooms/%ZZ "), T)
                    .status(), "a malformed escape in a parameter");
            assertEquals("chat|-|-", ask(server.port(), "/chat", ""));
            assertEquals("room|lobby|-", ask(server.port(), "/rooms/lobby?x=1", ""));
            assertEquals("room|café|abc", ask(server.port(), "/rooms/caf%C3%A9", "Cookie: theme=dark; sid=abc\r\n"),
                    "decoded parameter; cookies read from the request");
        }
    }

    @Test
    void unknownPathsGet404WhenRoutesAreUsed() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/chat", tagged("chat")).start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /nope "), T);
            assertEquals(404, r.status());
            assertTrue(r.closed());
            assertEquals(404, RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /chat/ "), T).status(),
                    "a trailing slash is another path");
            assertEquals(404, get(server.port(), "/nope").status());
            assertEquals(426, get(server.port(), "/chat").status(), "a WebSocket-only route refuses plain HTTP");
        }
    }

    @Test
    void exactRoutesWinOverTemplatesThenRegistrationOrderDecides() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/rooms/{room}", tagged("template"))
                .route("/{section}/lobby", tagged("second-template"))
                .route("/rooms/lobby", tagged("exact"))
                .start()) {
            assertEquals("exact|-|-", ask(server.port(), "/rooms/lobby", ""));
            assertEquals("template|kitchen|-", ask(server.port(), "/rooms/kitchen", ""));
            assertEquals("second-template|-|-", ask(server.port(), "/halls/lobby", ""));
        }
    }

    @Test
    void routesServePlainHttpAndTheCatchAllTakesTheRest() throws Exception {
        HttpHandler page = request -> HttpResponse.text(200, "page for " + request.path());
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/", page)
                .route(Route.of("/both", tagged("both"), request -> HttpResponse.text(200, "both page")))
                .route("/files/{name}", request -> HttpResponse.text(200, "file " + request.pathParam("name")
                        .orElseThrow()))
                .handler(tagged("catch-all"))
                .start()) {
            RawHttp.Response index = get(server.port(), "/");
            assertEquals(200, index.status());
            assertEquals("page for /", index.body());
            assertEquals("both page", get(server.port(), "/both").body());
            assertEquals("both|-|-", ask(server.port(), "/both", ""));
            assertEquals("file chat.js", get(server.port(), "/files/chat.js").body());
            assertEquals(404, RawHttp.exchange(server.port(), UPGRADE, T).status(),
                    "an upgrade to an HTTP-only route");
            assertEquals("catch-all|-|-", ask(server.port(), "/anything", ""));
            assertEquals(426, get(server.port(), "/anything").status(), "no HTTP catch-all: 426 as without routes");
        }
    }

    @Test
    void malformedDuplicateAndAmbiguousRoutesAreRefusedAtBuild() {
        WebSocketHandler h = tagged("x");
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("chat", h));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/a{b}", h));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/{a}/{a}", h));
        assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().route("/a b", h));
        assertThrows(IllegalArgumentException.class,
                () -> WebSocketServer.builder().route("/chat", h).route("/chat", h));
        assertThrows(IllegalArgumentException.class,
                () -> WebSocketServer.builder().route("/rooms/{room}", h).route("/rooms/{id}", h));
        assertThrows(IllegalArgumentException.class, () -> new Route("/x", null, null));
        assertThrows(IllegalStateException.class, () -> WebSocketServer.builder().port(0).start(),
                "a handler or a route is required");
        WebSocketServer.builder().route("/rooms/{room}", h).route("/{section}/lobby", h).route("/rooms/lobby", h);
    }
}
