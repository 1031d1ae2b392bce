package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.HttpResponse;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code shutdown()} works from any thread — a handler, an HTTP handler, a timer task — without waiting for itself:
 * it starts the shutdown, which then runs to the end (1001 to every connection, {@code onClose} for each, every
 * server thread gone) and {@code awaitTermination()} returns. Before connection core v2 such a call waited its
 * timeout plus fixed sleeps, threw from the actor system and left the loops running.
 */
class ShutdownFromAnyThreadTest {

    /** Threads that were running before this test's server started (other tests' servers, if any leaked). */
    private final java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());

    private List<Thread> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t))
                .filter(t -> t.getName().startsWith("sleet-io-") || t.getName().startsWith("sleet-actors")
                        || t.getName().equals("sleet-shutdown"))
                .toList();
    }

    private void assertStopped(WebSocketServer server) throws Exception {
        assertTrue(server.shutdownAsync(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS)
                != null);
        CompletableFuture<Void> awaited = CompletableFuture.runAsync(() -> {
            try {
                server.awaitTermination();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaited.get(30, TimeUnit.SECONDS);
        for (Thread t : serverThreads()) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "server thread still running: " + t.getName());
        }
    }

    @Test
    void fromAHandler() throws Exception {
        AtomicReference<WebSocketServer> self = new AtomicReference<>();
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onMessage(Connection connection, Message message) {
                returned.complete(self.get().shutdown(Duration.ofSeconds(5)));
            }
        };
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
        self.set(server);
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.sendText("please stop");
            assertFalse(returned.get(30, TimeUnit.SECONDS), "from a handler it cannot wait for itself");
            assertEquals(1001, ws.awaitClose(Duration.ofSeconds(30)).closeCode());
            ws.sendClose(1001, "");
            assertEquals(1001, handler.awaitClose().code(), "onClose ran for the connection");
        }
        assertStopped(server);
    }

    @Test
    void fromAnHttpHandler() throws Exception {
        AtomicReference<WebSocketServer> self = new AtomicReference<>();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new RecordingHandler())
                .httpHandler(request -> {
                    self.get().shutdown(Duration.ofSeconds(5));
                    return HttpResponse.text(200, "stopping");
                }).start();
        self.set(server);
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET /stop HTTP/1.1\r\nHost: x\r\n\r\n",
                Duration.ofSeconds(20));
        assertTrue(r.status() == 200 || r.status() == 503 || r.closed(), "answered or closed: " + r);
        assertStopped(server);
    }

    @Test
    void fromATimerTask() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new RecordingHandler())
                .start();
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        server.actorSystem().timers().schedule(Duration.ofMillis(1),
                () -> returned.complete(server.shutdown(Duration.ofSeconds(5))));
        assertFalse(returned.get(30, TimeUnit.SECONDS));
        assertStopped(server);
    }

    @Test
    void fromAnOrdinaryThreadItWaitsAndReportsClean() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
        try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
            handler.awaitOpen();
            CompletableFuture<Boolean> clean = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(20)));
            assertEquals(1001, ws.awaitClose(Duration.ofSeconds(30)).closeCode());
            ws.sendClose(1001, "");
            assertTrue(clean.get(30, TimeUnit.SECONDS), "every connection finished its close handshake");
        }
        assertStopped(server);
        assertTrue(server.shutdown(Duration.ofSeconds(1)), "idempotent: the same outcome again");
    }
}
