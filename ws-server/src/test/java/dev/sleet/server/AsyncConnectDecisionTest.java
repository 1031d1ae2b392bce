package dev.sleet.server;

import dev.sleet.core.Connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.handshake.HttpHeaders;
import dev.sleet.handshake.UpgradeRequest;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code onConnectAsync}: a decision that arrives later through a {@code CompletionStage} completed on a foreign
 * thread, without holding a worker, bounded by {@code connectDecisionTimeout}; decisions that carry response headers
 * (LIFE-02), with header injection refused.
 */
class AsyncConnectDecisionTest {
    static final String UPGRADE = DecisionTimeoutTest.UPGRADE;
    static final Duration T = Duration.ofSeconds(20);

    /** A handler whose decisions are completed by the test's own threads, keyed by path. */
    static class Deferred extends RecordingHandler {
        final ConcurrentHashMap<String, CompletableFuture<ConnectDecision>> pending = new ConcurrentHashMap<>();
        final CountDownLatch asked = new CountDownLatch(1);
        volatile Thread openedOn;

        @Override
        public CompletionStage<ConnectDecision> onConnectAsync(UpgradeRequest request) {
            HandlerThreads.record("onConnectAsync");
            if (request.path().equals("/now")) {
                return CompletableFuture.completedFuture(ConnectDecision.accept());
            }
            CompletableFuture<ConnectDecision> f = pending.computeIfAbsent(request.path(),
                    p -> new CompletableFuture<>());
            asked.countDown();
            return f;
        }

        @Override
        public void onOpen(Connection connection) {
            openedOn = Thread.currentThread();
            super.onOpen(connection);
        }

        CompletableFuture<ConnectDecision> await(String path) throws InterruptedException {
            long end = System.nanoTime() + T.toNanos();
            while (System.nanoTime() < end) {
                CompletableFuture<ConnectDecision> f = pending.get(path);
                if (f != null) {
                    return f;
                }
                Thread.sleep(5);
            }
            throw new AssertionError("no decision asked for " + path);
        }
    }

    static void completeOnAnotherThread(CompletableFuture<ConnectDecision> f, ConnectDecision d,
                                        Thread[] completer) throws InterruptedException {
        Thread t = new Thread(() -> f.complete(d), "auth-service");
        completer[0] = t;
        t.start();
        t.join();
    }

    @Test
    void anAsyncAcceptHoldsNoWorkerAndSendsItsHeaders() throws Exception {
        Deferred handler = new Deferred();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .workers(1).start()) {
            CompletableFuture<RawWebSocket> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawWebSocket.connect(server.port(), "/later", "");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CompletableFuture<ConnectDecision> later = handler.await("/later");
            // With one worker, a decision that held it would keep this second connection from opening.
            try (RawWebSocket other = RawWebSocket.connect(server.port(), "/now", "")) {
                other.sendText("meanwhile");
                assertEquals("meanwhile", other.readFrame(T).text());
            }
            Thread[] completer = new Thread[1];
            completeOnAnotherThread(later, ConnectDecision.accept("alice")
                    .withHeader("Set-Cookie", "sid=abc; HttpOnly; Secure; SameSite=Strict"), completer);
            try (RawWebSocket ws = first.get(20, TimeUnit.SECONDS)) {
                assertEquals("sid=abc; HttpOnly; Secure; SameSite=Strict", ws.handshakeHeader("Set-Cookie"));
                ws.sendText("hi");
                assertEquals("hi", ws.readFrame(T).text());
            }
            assertNotNull(handler.openedOn);
            assertNotEquals(completer[0], handler.openedOn, "the decision was applied in the actor");
        }
    }

    @Test
    void anAsyncRejectAnswersWithItsStatusHeadersAndBody() throws Exception {
        Deferred handler = new Deferred();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .start()) {
            CompletableFuture<RawHttp.Response> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /auth "), T);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            completeOnAnotherThread(handler.await("/auth"), ConnectDecision.reject(401, "login required",
                    HttpHeaders.of("WWW-Authenticate", "Bearer realm=\"chat\"")), new Thread[1]);
            RawHttp.Response r = response.get(20, TimeUnit.SECONDS);
            assertEquals(401, r.status());
            assertEquals("Bearer realm=\"chat\"", r.header("WWW-Authenticate"));
            assertTrue(r.body().contains("login required"), r.body());
            assertTrue(r.closed());

            CompletableFuture<RawHttp.Response> busy = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /busy "), T);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            completeOnAnotherThread(handler.await("/busy"),
                    ConnectDecision.reject(429, "slow down").withHeader("Retry-After", "30"), new Thread[1]);
            RawHttp.Response b = busy.get(20, TimeUnit.SECONDS);
            assertEquals(429, b.status());
            assertEquals("30", b.header("Retry-After"));
            assertTrue(handler.opened.isEmpty());
        }
    }

    @Test
    void aFailedStageAnswers500() throws Exception {
        Deferred handler = new Deferred();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .start()) {
            CompletableFuture<RawHttp.Response> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /broken "), T);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CompletableFuture<ConnectDecision> f = handler.await("/broken");
            new Thread(() -> f.completeExceptionally(new IllegalStateException("auth service down"))).start();
            assertEquals(500, response.get(20, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void anAsyncDecisionThatNeverComesIsAnswered503AndALateOneChangesNothing() throws Exception {
        Deferred handler = new Deferred();
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .connectDecisionTimeout(Duration.ofMillis(300)).start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), UPGRADE.replace("GET / ", "GET /never "), T);
            assertEquals(503, r.status());
            assertTrue(r.closed());
            handler.await("/never").complete(ConnectDecision.accept());
            try (RawWebSocket ws = RawWebSocket.connect(server.port(), "/now", "")) { // others are still served
                ws.sendText("hi");
                assertEquals("hi", ws.readFrame(T).text());
            }
            assertTrue(handler.opened.stream().noneMatch(c -> "/never".equals(c.request().path())),
                    "the late decision opened nothing");
        }
    }

    @Test
    void headerInjectionAndServerOwnedFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.accept().withHeader("Set-Cookie", "a=b\r\nX-Evil: 1"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.accept().withHeader("Set-Cookie", "a=b\nX-Evil: 1"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.accept().withHeader("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.accept().withHeader("Sec-WebSocket-Accept", "x"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.accept().withHeader("Connection", "keep-alive"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.reject(401, "no").withHeader("Content-Length", "0"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.reject(401, "no").withHeader("WWW-Authenticate", "x\r\n\r\n<html>"));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.reject(401, "x".repeat(ConnectDecision.MAX_REASON_BYTES + 1)));
        assertThrows(IllegalArgumentException.class,
                () -> ConnectDecision.reject(401, "é".repeat(ConnectDecision.MAX_REASON_BYTES / 2 + 1)));
        assertEquals(ConnectDecision.MAX_REASON_BYTES,
                ConnectDecision.reject(401, "x".repeat(ConnectDecision.MAX_REASON_BYTES)).reason().length());
    }

    @Test
    void aHandlerWhoseHeaderBuildingThrowsIsAnswered500() throws Exception {
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public ConnectDecision onConnect(UpgradeRequest request) {
                return ConnectDecision.accept().withHeader("Set-Cookie", "a=b\r\nInjected: yes");
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .start()) {
            RawHttp.Response r = RawHttp.exchange(server.port(), UPGRADE, T);
            assertEquals(500, r.status());
            assertEquals(null, r.header("Injected"));
        }
    }
}
