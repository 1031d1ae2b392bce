package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.SendResult;
import dev.sleet.core.OverflowPolicy;
import dev.sleet.core.SendFailedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseStatus;
import dev.sleet.testkit.RawWebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Connection#sendAsync}: its stage completes once the message's last byte is on the socket, in the
 * connection's actor (never on an event loop), in send order; it fails with {@link SendFailedException} carrying the
 * refusal, or the close status when the connection ends first; no stage is left pending after the end.
 */
@ExtendWith(HandlerThreads.class)
class SendAsyncCompletionTest {

    /** Sends what a test asks for, from the connection's actor, on the first message it gets. */
    static final class Sender extends RecordingHandler {
        final CompletableFuture<Connection> conn = new CompletableFuture<>();

        @Override
        public void onOpen(Connection connection) {
            super.onOpen(connection);
            conn.complete(connection);
        }

        /** Runs the test's code in the connection's actor. */
        @Override
        public void onInfo(Connection connection, Object message) throws Exception {
            super.onInfo(connection, message);
            ((Runnable) message).run();
        }
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static SendFailedException failure(CompletionStage<?> stage) throws Exception {
        try {
            get(stage);
        } catch (ExecutionException e) {
            return assertInstanceOf(SendFailedException.class, e.getCause());
        }
        throw new AssertionError("the stage completed normally");
    }

    @Test
    void completesInTheActorInSendOrderOnceWritten() throws Exception {
        Sender handler = new Sender();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                TestClient client = TestClient.connect(server.port())) {
            Connection c = get(handler.conn);
            List<Integer> order = new ArrayList<>(); // touched only by continuations, which run in the actor
            List<String> threads = new ArrayList<>();
            CompletableFuture<Void> all = new CompletableFuture<>();
            int n = 200;
            // Sent from the actor (tell → onInfo): the continuations are attached before any can complete, and a
            // stage completes only in the actor, so they all run there.
            List<CompletionStage<Void>> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int batch = 0; batch < 4; batch++) {
                int from = batch * n / 4;
                assertTrue(c.tell((Runnable) () -> {
                    for (int i = from; i < from + n / 4; i++) {
                        int seq = i;
                        CompletionStage<Void> s = c.sendAsync("m" + i);
                        stages.add(s);
                        assertFalse(s.toCompletableFuture().isDone(), "completed only in a later turn");
                        s.thenRun(() -> {
                            HandlerThreads.record("sendAsync continuation");
                            order.add(seq);
                            threads.add(Thread.currentThread().getName());
                            if (order.size() == n) {
                                all.complete(null);
                            }
                        });
                    }
                }));
            }
            for (int i = 0; i < n; i++) {
                assertEquals("m" + i, client.awaitText());
            }
            get(all);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(i);
            }
            assertEquals(expected, order, "completions run in send order");
            assertTrue(threads.stream().noneMatch(t -> t.startsWith(HandlerThreads.IO_THREAD_PREFIX)), threads.toString());
            for (CompletionStage<Void> s : stages) {
                assertTrue(s.toCompletableFuture().isDone());
            }
        }
    }

    @Test
    void overTlsStagesCompleteInOrderOnceHandedToTheWire(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dev.sleet.testkit.TestCertificates.Issued cert = dev.sleet.testkit.TestCertificates.issue(dir, "localhost");
        Sender handler = new Sender();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .tls(cert.certificatePem(), cert.privateKeyPem()).start();
                TestClient client = TestClient.connect(TestClient.tlsClient(cert.clientContext()),
                        java.net.URI.create("wss://localhost:" + server.port() + "/"), null)) {
            Connection c = get(handler.conn);
            List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Void> last = new CompletableFuture<>();
            assertTrue(c.tell((Runnable) () -> {
                for (int i = 0; i < 20; i++) {
                    int seq = i;
                    c.sendAsync(new byte[64 * 1024 + i]).thenRun(() -> {
                        HandlerThreads.record("sendAsync continuation (TLS)");
                        order.add(seq);
                        if (seq == 19) {
                            last.complete(null);
                        }
                    });
                }
            }));
            for (int i = 0; i < 20; i++) {
                assertEquals(64 * 1024 + i, client.awaitBinary().length);
            }
            get(last);
            assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), order);
        }
    }

    @Test
    void doesNotCompleteWhileThePeerReadsNothingThenCompletesWhenItReads() throws Exception {
        Sender handler = new Sender();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
                SocketChannel raw = RawSockets.upgraded(server.port(), 4096)) {
            Connection c = get(handler.conn);
            byte[] big = new byte[32 << 20]; // far more than loopback socket buffers hold
            CompletableFuture<Void> done = c.sendAsync(big).toCompletableFuture();
            // The writer stops once the socket is full: the message is partly out, its stage open.
            long[] last = {-1};
            Await.until(() -> {
                long q = c.queuedBytes();
                boolean settled = q == last[0];
                last[0] = q;
                return settled && q > 0 && q < big.length + 64;
            }, Duration.ofSeconds(20), "the queue stopped draining with part of the message written");
            assertFalse(done.isDone(), "the last byte is not written yet: " + c.queuedBytes() + " bytes queued");
            // Read until the stage completes: by then the client has read nearly all of it, and nothing is queued.
            raw.configureBlocking(false);
            ByteBuffer sink = ByteBuffer.allocate(1 << 20);
            long read = 0;
            while (!done.isDone()) {
                sink.clear();
                int r = raw.read(sink);
                if (r < 0) {
                    break;
                }
                if (r == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                read += r;
            }
            get(done);
            assertEquals(0, c.queuedBytes(), "the message left the queue before its stage completed");
            assertTrue(read > big.length / 2, "the client read most of the message first: " + read);
        }
    }

    @Test
    void pendingStagesFailWithTheCloseStatusWhenTheConnectionEnds() throws Exception {
        Sender handler = new Sender();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start()) {
            SocketChannel raw = RawSockets.upgraded(server.port(), 4096);
            Connection c = get(handler.conn);
            List<CompletableFuture<Void>> stages = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                stages.add(c.sendAsync(new byte[1 << 20]).toCompletableFuture()); // 8 MiB: stays queued
            }
            raw.socket().setSoLinger(true, 0);
            raw.close(); // the peer vanishes (RST): the connection ends 1006 with messages still queued
            CloseStatus status = handler.awaitClose();
            SendFailedException last = failure(stages.get(stages.size() - 1));
            assertEquals(SendResult.CLOSED, last.result());
            assertEquals(status, last.closeStatus().orElseThrow(), "the stage carries what onClose reported");
            for (CompletableFuture<Void> s : stages) {
                assertTrue(s.isDone(), "no stage is left pending");
            }
            // After the end, a send is refused at once, with the status.
            SendFailedException late = failure(c.sendAsync("late"));
            assertEquals(SendResult.CLOSED, late.result());
        }
    }

    @Test
    void overflowUnderClosePolicyFailsTheDiscardedStagesWith1008() throws Exception {
        Sender handler = new Sender();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(256 * 1024).start();
                RawWebSocket ws = RawWebSocket.connect(server.port())) {
            ws.socket().setReceiveBufferSize(4096);
            Connection c = get(handler.conn);
            List<CompletionStage<Void>> stages = new ArrayList<>();
            SendFailedException refused = null;
            for (int i = 0; i < 10_000 && refused == null; i++) {
                CompletionStage<Void> s = c.sendAsync(new byte[16 * 1024]);
                if (s.toCompletableFuture().isCompletedExceptionally()) {
                    refused = failure(s);
                } else {
                    stages.add(s);
                }
            }
            assertTrue(refused != null, "the cap tripped");
            assertEquals(SendResult.CLOSED, refused.result(), "the send that overflowed is refused");
            assertEquals(1008, handler.awaitClose().code());
            int failed = 0;
            for (CompletionStage<Void> s : stages) {
                CompletableFuture<Void> f = s.toCompletableFuture();
                try {
                    f.get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    SendFailedException x = assertInstanceOf(SendFailedException.class, e.getCause());
                    assertEquals(1008, x.closeStatus().orElseThrow().code());
                    failed++;
                }
            }
            assertTrue(failed > 0, "the discarded messages' stages failed");
        }
    }

    @Test
    void aDroppedSendFailsAtOnceWithDropped() throws Exception {
        Sender handler = new Sender();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxQueuedBytes(64 * 1024).overflowPolicy(OverflowPolicy.DROP).start();
                SocketChannel raw = RawSockets.upgraded(server.port(), 4096)) {
            Connection c = get(handler.conn);
            CompletionStage<Void> s = null;
            for (int i = 0; i < 10_000; i++) {
                s = c.sendAsync(new byte[16 * 1024]);
                if (s.toCompletableFuture().isCompletedExceptionally()) {
                    break;
                }
            }
            SendFailedException x = failure(s);
            assertEquals(SendResult.DROPPED, x.result());
            assertTrue(x.closeStatus().isEmpty());
            assertTrue(c.isOpen(), "DROP keeps the connection");
        }
    }
}
