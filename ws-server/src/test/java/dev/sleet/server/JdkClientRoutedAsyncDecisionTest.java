package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.UpgradeRequest;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JDK's {@code java.net.http.WebSocket} against a routed server whose decision comes later, from another thread:
 * a template route with a path parameter, a cookie the client sends, an asynchronous accept and reject.
 */
class JdkClientRoutedAsyncDecisionTest {

    static final class RoomGate implements WebSocketHandler {
        @Override
        public CompletionStage<ConnectDecision> onConnectAsync(UpgradeRequest request) {
            String room = request.pathParam("room").orElseThrow();
            String sid = request.cookie("sid").orElse("");
            return CompletableFuture.supplyAsync(() -> sid.equals("good")
                            ? ConnectDecision.accept(room)
                            : ConnectDecision.reject(401, "no session",
                                    HttpHeaders.of("WWW-Authenticate", "Cookie realm=\"rooms\"")),
                    CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        }

        @Override
        public void onOpen(Connection c) {
            c.send("joined " + c.state(String.class));
        }

        @Override
        public void onMessage(Connection c, Message m) {
        }
    }

    @Test
    void aJdkClientOpensARoomAfterAnAsyncCheckOfItsCookie() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/rooms/{room}", new RoomGate()).start()) {
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = TestClient.HTTP.newWebSocketBuilder().header("Cookie", "theme=dark; sid=good")
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/rooms/kitchen"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                    first.complete(data.toString());
                                    return null;
                                }
                            }).get(20, TimeUnit.SECONDS);
            assertEquals("joined kitchen", first.get(20, TimeUnit.SECONDS));
            ws.abort();
            assertEquals(401, TestClient.statusOfRefusedUpgrade(server.port(), "/rooms/kitchen"), "no cookie");
            assertEquals(404, TestClient.statusOfRefusedUpgrade(server.port(), "/elsewhere"));
        }
    }
}
