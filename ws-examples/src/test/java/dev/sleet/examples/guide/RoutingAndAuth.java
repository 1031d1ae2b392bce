package dev.sleet.examples.guide;

import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.HttpResponse;
import dev.sleet.handshake.HttpServerRequest;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.rooms.Rooms;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.server.HttpHandler;
import dev.sleet.core.Message;
import dev.sleet.server.Route;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

final class Routing {
    private Routing() {
    }

    static WebSocketServer start(WebSocketHandler chatHandler, WebSocketHandler roomHandler,
            WebSocketHandler statusSocket, HttpHandler statusPage) throws Exception {
        // guide:routes
        WebSocketServer server = WebSocketServer.builder()
                .port(8080)
                .route("/", request -> HttpResponse.text(200, "hello"))           // plain HTTP only
                .route("/chat", chatHandler)                                      // WebSocket only
                .route("/rooms/{room}", roomHandler)                              // a template: one path segment
                .route(Route.of("/status", statusSocket, statusPage))             // both on one path
                .start();
        // end:routes
        return server;
    }

    static final class RoomHandler implements WebSocketHandler {
        private final Rooms rooms = Rooms.create();

        // guide:route-param
        @Override public void onOpen(Connection c) {
            rooms.join(c, c.request().pathParam("room").orElseThrow());
        }
        // end:route-param

        @Override public void onMessage(Connection c, Message m) {
        }
    }

    // guide:plain-handler
    static HttpResponse page(HttpServerRequest request) {       // an HttpHandler: plain requests, never upgrades
        String room = request.pathParam("room").orElse("lobby");
        String theme = request.cookie("theme").orElse("light");
        return HttpResponse.text(200, "room " + room + ", theme " + theme);
    }
    // end:plain-handler
}

/** A user the auth service knows. */
record User(String name, String session) {
}

/** A remote auth service: answers later, on its own thread. */
interface AuthClient {
    CompletionStage<Optional<User>> check(String token);
}

// guide:token-gate
final class TokenGate implements WebSocketHandler {
    private final AuthClient auth;

    TokenGate(AuthClient auth) {
        this.auth = auth;
    }

    /** The token from {@code Authorization: Bearer ...} (other clients) or {@code ?token=...} (browsers). */
    static Optional<String> token(HttpServerRequest request) {
        return request.headers().first("Authorization")
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).strip())
                .or(() -> request.queryParam("token"));
    }

    @Override public CompletionStage<ConnectDecision> onConnectAsync(UpgradeRequest request) {
        Optional<String> token = token(request);
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(ConnectDecision.reject(401, "a token is required",
                    HttpHeaders.of("WWW-Authenticate", "Bearer realm=\"chat\"")));
        }
        return auth.check(token.get())                         // completes on the auth client's thread
                .thenApply(user -> user.isPresent()
                        ? ConnectDecision.accept(user.get())
                                .withHeader("Set-Cookie", "sid=" + user.get().session() + "; HttpOnly; Secure")
                        : ConnectDecision.reject(401, "unknown token",
                                HttpHeaders.of("WWW-Authenticate", "Bearer realm=\"chat\", error=\"invalid_token\"")));
    }

    @Override public void onOpen(Connection connection) {
        connection.send("hello " + connection.state(User.class).name());
    }

    @Override public void onMessage(Connection connection, Message message) {
    }
}
// end:token-gate
