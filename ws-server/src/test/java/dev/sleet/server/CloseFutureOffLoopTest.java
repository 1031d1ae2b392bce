package dev.sleet.server;

import dev.sleet.core.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sleet.frame.CloseStatus;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What users chain to {@code closeFuture()} (room cleanup, presence listeners) never runs on an event loop, and
 * runs after {@code onClose}: whoever watches a connection sees it leave after its handler did, never before.
 */
class CloseFutureOffLoopTest {
    @Test
    void closeFutureCompletesAfterOnCloseAndOffTheLoops() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<String> futureThread = new CompletableFuture<>();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onOpen(Connection connection) {
                super.onOpen(connection);
                connection.closeFuture().whenComplete((status, error) -> {
                    events.add("closeFuture " + status.code());
                    futureThread.complete(Thread.currentThread().getName());
                });
            }

            @Override
            public void onClose(Connection connection, CloseStatus status) {
                events.add("onClose " + status.code());
                super.onClose(connection, status);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            Connection c = handler.awaitOpen();
            ws.sendClose(4001, "bye");
            ws.awaitClose(Duration.ofSeconds(20));
            String thread = futureThread.get(20, TimeUnit.SECONDS);
            assertFalse(thread.startsWith("sleet-io"), "closeFuture completed on " + thread);
            assertEquals(List.of("onClose 4001", "closeFuture 4001"), events);
            // A late observer gets the same outcome at once.
            assertEquals(4001, c.closeFuture().toCompletableFuture().get(5, TimeUnit.SECONDS).code());
        }
    }
}
