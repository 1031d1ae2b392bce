package dev.sleet.examples.guide;

import dev.sleet.client.ConnectOptions;
import dev.sleet.client.ConnectTimeoutException;
import dev.sleet.client.UpgradeFailedException;
import dev.sleet.client.WebSocketClient;
import dev.sleet.client.WebSocketClientException;
import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Message;
import dev.sleet.deflate.PerMessageDeflateClient;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** The guide's "A client" section: compiled here, matched to the guide, run by {@code ClientSnippetsRunTest}. */
final class ClientSnippets {
    private ClientSnippets() {
    }

    /** Connects to an echo server at {@code uri}, sends "hello" and returns the reply. */
    static String askTheEchoServer(URI uri) throws Exception {
        // guide:client-connect
        CompletableFuture<String> reply = new CompletableFuture<>();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            Connection connection = client.connect(uri, ConnectOptions.builder()
                            .header("Authorization", "Bearer token-123")
                            .extension(new PerMessageDeflateClient()) // permessage-deflate, if the server agrees
                            .build(),
                    (conn, message) -> reply.complete(((Message.Text) message).text()))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            connection.send("hello");
            return reply.get(10, TimeUnit.SECONDS);
        } // closes the connection with 1001 and stops the client's threads
        // end:client-connect
    }

    /** Connects to {@code uri} and returns what went wrong, as the guide shows it, or "connected". */
    static String explainFailure(WebSocketClient client, URI uri, ConnectionHandler handler) {
        // guide:client-failures
        try {
            client.connect(uri, handler).toCompletableFuture().join();
        } catch (CompletionException e) {
            return switch (e.getCause()) {
                case UpgradeFailedException u -> "refused: " + u.status() + " " + u.failure();
                case ConnectTimeoutException t -> "timed out in " + t.stage();
                case WebSocketClientException other -> other.getClass().getSimpleName() + ": " + other.getMessage();
                default -> throw e;
            };
        }
        // end:client-failures
        return "connected";
    }
}
