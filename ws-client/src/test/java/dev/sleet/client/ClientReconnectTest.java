package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.frame.CloseStatus;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A lost connection is reconnected by its policy; one this side closed is not; attempts end at the limit. */
class ClientReconnectTest {

    /** Closes every connection with 1012 when it receives "restart"; echoes otherwise. */
    static final class Restarting implements WebSocketHandler {
        @Override
        public void onMessage(Connection connection, Message message) {
            if (message instanceof Message.Text t && t.text().equals("restart")) {
                connection.close(1012, "service restart");
            } else if (message instanceof Message.Text t) {
                connection.send(t.text());
            }
        }
    }

    record Attempt(int attempt, Duration delay, CloseStatus lost, Throwable lastFailure) {
    }

    static final class Recorder implements ReconnectListener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public boolean reconnecting(int attempt, Duration delay, CloseStatus lost, Throwable lastFailure) {
            events.add(new Attempt(attempt, delay, lost, lastFailure));
            return true;
        }

        @Override
        public void reconnected(Connection connection, int attempt) {
            events.add("reconnected " + attempt);
        }

        @Override
        public void gaveUp(int attempts, Throwable lastFailure) {
            events.add("gave up after " + attempts);
        }

        Object next() throws InterruptedException {
            Object e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no reconnect event within 10 s");
            return e;
        }
    }

    private static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(100))
            .withMaxAttempts(3);

    @Test
    void aConnectionTheServerClosedIsReconnectedAndTheHandlerOpensAgain() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Restarting()).start();
        Recorder recorder = new Recorder();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            ClientEvents events = new ClientEvents();
            Connection first = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"),
                    ConnectOptions.builder().reconnect(FAST, recorder).build(), events).get();
            events.next(ClientEvents.Opened.class);
            first.send("restart");
            assertEquals(1012, events.next(ClientEvents.Closed.class).status().code());
            Attempt a = (Attempt) recorder.next();
            assertEquals(1, a.attempt());
            assertEquals(1012, a.lost().code());
            assertNull(a.lastFailure());
            Connection second = events.next(ClientEvents.Opened.class).connection();
            assertEquals("reconnected 1", recorder.next());
            second.send("again");
            assertEquals("again", events.next(ClientEvents.Text.class).text());
            second.close(); // closed by this side: not reconnected
            assertEquals(1000, events.next(ClientEvents.Closed.class).status().code());
            second.closeFuture().toCompletableFuture().get(10, TimeUnit.SECONDS);
            // A loss is handed to the common pool when the connection ends, before its actor runs onClose and
            // completes closeFuture (awaited above); once that pool is idle, a reconnect would have told the listener
            // (and the client is not closing yet, which would silence it).
            assertTrue(java.util.concurrent.ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS));
            assertNull(recorder.events.poll(), "a connection this side closed is not reconnected");
        } finally {
            server.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    void attemptsStopAtThePolicysLimit() throws Exception {
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(new Restarting()).start();
        int port = server.port();
        Recorder recorder = new Recorder();
        try (WebSocketClient client = WebSocketClient.builder().build()) {
            ClientEvents events = new ClientEvents();
            client.connect(URI.create("ws://127.0.0.1:" + port + "/"),
                    ConnectOptions.builder().reconnect(FAST, recorder).build(), events).get();
            events.next(ClientEvents.Opened.class);
            server.shutdown(Duration.ofSeconds(5)); // 1001 to the client, and the port stops answering
            assertEquals(1001, events.next(ClientEvents.Closed.class).status().code());
            for (int n = 1; n <= 3; n++) {
                Attempt a = (Attempt) recorder.next();
                assertEquals(n, a.attempt());
                assertTrue(a.delay().compareTo(Duration.ofMillis(100)) <= 0, a.toString());
                if (n > 1) {
                    assertTrue(a.lastFailure() instanceof ConnectFailedException, String.valueOf(a.lastFailure()));
                }
            }
            assertEquals("gave up after 3", recorder.next());
        }
    }

}
