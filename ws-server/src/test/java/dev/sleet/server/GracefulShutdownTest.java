package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.testkit.ProcessResources;
import dev.sleet.testkit.RawWebSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown: stop accepting, 1001 to every connection, wait for their closes, force the rest; onClose
 * runs for all; no threads or descriptors are left behind.
 */
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
        long t0 = System.nanoTime();
        boolean clean = server.shutdown(Duration.ofMillis(500));
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(!clean, "raw clients never answer, so the shutdown had to force");
        assertTrue(took >= 400, "waited for the timeout first: " + took + " ms");
        for (RawWebSocket ws : raws) {
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(2));
            assertEquals(1001, close.closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(5)));
            ws.close();
        }
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
