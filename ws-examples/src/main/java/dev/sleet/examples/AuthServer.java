package dev.sleet.examples;

import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.server.ConnectDecision;
import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Authentication decided asynchronously: a WebSocket at {@code /ws} that opens only for a known token, given as
 * {@code Authorization: Bearer TOKEN} (non-browser clients) or {@code ?token=TOKEN} (browsers cannot set headers on
 * a WebSocket). The token is checked by a {@link TokenService} that answers on its own thread, as a call to a real
 * auth service would; the server holds no worker meanwhile ({@code onConnectAsync}). A missing or unknown token
 * gets {@code 401} with {@code WWW-Authenticate: Bearer} (RFC 6750 §3), before any WebSocket exists.
 */
public final class AuthServer {
    private AuthServer() {
    }

    /** A stand-in for a remote auth service: looks a token up on its own thread, a little later. */
    public static final class TokenService implements AutoCloseable {
        private final Map<String, String> users;
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "auth-service");
            t.setDaemon(true);
            return t;
        });

        /** A service that knows {@code users}: token → user name. */
        public TokenService(Map<String, String> users) {
            this.users = Map.copyOf(users);
        }

        /** The user {@code token} belongs to, or empty; completes on the service's thread. */
        public CompletableFuture<Optional<String>> check(String token) {
            CompletableFuture<Optional<String>> f = new CompletableFuture<>();
            thread.schedule(() -> f.complete(Optional.ofNullable(users.get(token))), 10, TimeUnit.MILLISECONDS);
            return f;
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    /** Greets the authenticated user, then echoes with the user's name in front. */
    static final class Authenticated implements WebSocketHandler {
        private final TokenService auth;

        Authenticated(TokenService auth) {
            this.auth = auth;
        }

        @Override
        public CompletionStage<ConnectDecision> onConnectAsync(UpgradeRequest request) {
            Optional<String> token = request.headers().first("Authorization")
                    .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).strip())
                    .or(() -> request.queryParam("token"));
            if (token.isEmpty()) {
                return CompletableFuture.completedFuture(ConnectDecision.reject(401, "a token is required",
                        HttpHeaders.of("WWW-Authenticate", "Bearer realm=\"sleet\"")));
            }
            return auth.check(token.get()).thenApply(user -> user.<ConnectDecision>map(ConnectDecision::accept)
                    .orElseGet(() -> ConnectDecision.reject(401, "unknown token", HttpHeaders.of("WWW-Authenticate",
                            "Bearer realm=\"sleet\", error=\"invalid_token\""))));
        }

        @Override
        public void onOpen(Connection connection) {
            connection.send("hello " + connection.state(String.class));
        }

        @Override
        public void onMessage(Connection connection, Message message) {
            if (message instanceof Message.Text t) {
                connection.send(connection.state(String.class) + ": " + t.text());
            }
        }
    }

    /** A server on {@code host:port} whose {@code /ws} checks tokens with {@code auth}. */
    public static WebSocketServer.Builder builder(String host, int port, TokenService auth) {
        return WebSocketServer.builder().host(host).port(port).route("/ws", new Authenticated(auth));
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        TokenService auth = new TokenService(Map.of("demo-token", "demo"));
        WebSocketServer server = builder("127.0.0.1", args.length > 0 ? Integer.parseInt(args[0]) : 8080, auth)
                .start();
        System.out.println("auth example on ws://127.0.0.1:" + server.port() + "/ws?token=demo-token");
        server.awaitTermination();
    }
}
