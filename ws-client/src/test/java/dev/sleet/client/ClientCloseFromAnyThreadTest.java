package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Message;
import dev.sleet.frame.CloseStatus;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code WebSocketClient.close()} from one of the client's own threads (a handler) starts the close and returns; the
 * connection gets 1001, {@code onClose} runs, and every thread of the client ends.
 */
class ClientCloseFromAnyThreadTest {

    private static List<Thread> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sleet-client"))
                .toList();
    }

    @Test
    void closingFromAHandlerReturnsAndEverythingStops() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new WebSocketHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                if (message instanceof Message.Text t) {
                    connection.send(t.text());
                }
            }
        }).start();
        try {
            CompletableFuture<Boolean> returned = new CompletableFuture<>();
            CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
            WebSocketClient client = WebSocketClient.builder().workers(1).build();
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), new ConnectionHandler() {
                @Override
                public void onMessage(Connection connection, Message message) {
                    client.close(); // from the client's only worker: must not wait for itself
                    returned.complete(true);
                }

                @Override
                public void onClose(Connection connection, CloseStatus status) {
                    closed.complete(status);
                }
            }).get(10, TimeUnit.SECONDS).send("bye");
            assertTrue(returned.get(10, TimeUnit.SECONDS));
            assertEquals(1001, closed.get(10, TimeUnit.SECONDS).code());
            client.close(Duration.ofSeconds(5)); // from the test thread: waits for the close already under way
            for (Thread t : clientThreads()) {
                t.join(TimeUnit.SECONDS.toMillis(10)); // each ends by itself once the close is done
            }
            assertEquals(List.of(), clientThreads().stream().map(Thread::getName).toList());
        } finally {
            server.shutdown(Duration.ofSeconds(5));
        }
    }
}
