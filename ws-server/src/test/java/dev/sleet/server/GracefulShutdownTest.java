package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.ProcessResources;
import dev.sleet.testkit.RawWebSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful shutdown: stop accepting, 1001 to every connection, wait for their closes, force the rest; onClose
 * runs for all; no threads or descriptors are left behind.
 */
@ExtendWith(HandlerThreads.class)
class GracefulShutdownTest {

    @Test
    void everyClientReceives1001AndOnCloseRunsForAll() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clients.add(TestClient.connect(server.port()));
        }
        for (int i = 0; i < 20; i++) {
            handler.awaitOpen();
        }
        boolean clean = server.shutdown(Duration.ofSeconds(10));
        assertTrue(clean, "the JDK clients answer the close, so shutdown is clean");
        for (TestClient c : clients) {
            assertEquals(1001, c.awaitCloseCode(5));
            c.close();
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(1001, handler.awaitClose().code());
        }
        int port = server.port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            throw new AssertionError("still accepting after shutdown: " + s);
        } catch (ConnectException expected) {
            // refused
        }
    }

    @Test
    void peersThatNeverAnswerAreForcedAfterTheTimeout() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
        List<RawWebSocket> raws = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            raws.add(RawWebSocket.connect(server.port()));
            handler.awaitOpen();
        }
        boolean clean = server.shutdown(Duration.ofMillis(500));
        assertTrue(!clean, "raw clients never answer, so the shutdown had to force");
        for (RawWebSocket ws : raws) {
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertNotNull(close, "1001 before the socket was dropped");
            assertEquals(1001, close.closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(10)));
            ws.close();
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(1001, handler.awaitClose().code());
        }
    }

    /**
     * The shutdown waits for the peers' answers to its 1001 (RFC 6455 §7.1.2) until its timeout: with timeouts no
     * test reaches, it is still waiting after four of five raw peers have answered, and returns clean once the
     * fifth does. (That it then forces the silent ones is the test above.)
     */
    @Test
    void shutdownWaitsForEveryPeersAnswerWithinTheTimeout() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        // neither the shutdown's timeout nor a connection's close timeout can end a connection during the test
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .closeTimeout(Duration.ofMinutes(10)).start();
        List<RawWebSocket> raws = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            raws.add(RawWebSocket.connect(server.port()));
            handler.awaitOpen();
        }
        CompletableFuture<Boolean> shutdown = new CompletableFuture<>();
        Thread.ofPlatform().name("test-shutdown").start(() -> {
            try {
                shutdown.complete(server.shutdown(Duration.ofMinutes(10)));
            } catch (Throwable t) {
                shutdown.completeExceptionally(t);
            }
        });
        for (RawWebSocket ws : raws) {
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertNotNull(close, "every peer is told");
            assertEquals(1001, close.closeCode());
        }
        for (RawWebSocket ws : raws.subList(0, 4)) {
            ws.sendClose(1001, "");
            assertTrue(ws.awaitEof(Duration.ofSeconds(30)), "an answered close ends its connection");
            ws.close();
        }
        assertTrue(!shutdown.isDone(), "the shutdown returned while a peer had not answered: " + shutdown);
        RawWebSocket last = raws.get(4);
        last.sendClose(1001, "");
        assertTrue(shutdown.get(30, TimeUnit.SECONDS), "every peer answered: a clean shutdown");
        assertTrue(last.awaitEof(Duration.ofSeconds(10)));
        last.close();
        for (int i = 0; i < 5; i++) {
            assertEquals(1001, handler.awaitClose().code());
        }
    }

    @Test
    void noThreadsOrDescriptorsLeakAfterClose() throws Exception {
        int fdsBefore = ProcessResources.openFileDescriptors();
        for (int round = 0; round < 3; round++) {
            WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                    .handler(new RecordingHandler()).start();
            assertTrue(!ProcessResources.threadsNamed("sleet-io").isEmpty(), "loops run while the server does");
            for (int i = 0; i < 10; i++) {
                try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
                    ws.sendText("hello");
                    ws.readFrame(Duration.ofSeconds(5));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            server.close();
        }
        assertEquals(0, ProcessResources.threadsNamed("sleet-io").size(), "event loop threads are gone");
        assertEquals(0, ProcessResources.threadsNamed("sleet-actors").size(), "actor threads are gone");
        int fdsAfter = ProcessResources.awaitFileDescriptorsAtMost(fdsBefore, 5000);
        assertTrue(fdsAfter <= fdsBefore, "descriptors: before " + fdsBefore + ", after " + fdsAfter);
    }
}
