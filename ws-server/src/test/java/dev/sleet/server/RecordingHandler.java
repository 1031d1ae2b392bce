package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import dev.sleet.frame.CloseStatus;
import dev.sleet.handshake.UpgradeRequest;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An echo handler that records what happened to each connection, for assertions. Every callback also reports its
 * thread to {@link HandlerThreads}, which fails the test when one ran on an event loop; a subclass that overrides
 * a callback without calling {@code super} calls {@link HandlerThreads#record} itself.
 */
class RecordingHandler implements WebSocketHandler {
    final BlockingQueue<Connection> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<CloseStatus> closes = new LinkedBlockingQueue<>();
    final Map<Long, AtomicInteger> closeCounts = new ConcurrentHashMap<>();

    @Override
    public ConnectDecision onConnect(UpgradeRequest request) throws Exception {
        HandlerThreads.record("onConnect");
        return WebSocketHandler.super.onConnect(request);
    }

    @Override
    public void onOpen(Connection connection) {
        HandlerThreads.record("onOpen");
        opened.add(connection);
    }

    @Override
    public void onMessage(Connection connection, Message message) throws Exception {
        HandlerThreads.record("onMessage");
        switch (message) {
            case Message.Text t -> connection.send(t.text());
            case Message.Binary b -> connection.send(b.data());
        }
    }

    @Override
    public void onInfo(Connection connection, Object message) throws Exception {
        HandlerThreads.record("onInfo");
        WebSocketHandler.super.onInfo(connection, message);
    }

    @Override
    public void onClose(Connection connection, CloseStatus status) {
        HandlerThreads.record("onClose");
        closeCounts.computeIfAbsent(connection.id(), k -> new AtomicInteger()).incrementAndGet();
        closes.add(status);
    }

    CloseStatus awaitClose() throws InterruptedException {
        CloseStatus s = closes.poll(20, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("onClose did not run within 20 s");
        }
        return s;
    }

    /** Waits for an {@code onClose} whose status matches, skipping others (from earlier tests, say). */
    CloseStatus awaitClose(java.util.function.Predicate<CloseStatus> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            CloseStatus s = closes.poll(100, TimeUnit.MILLISECONDS);
            if (s != null && matching.test(s)) {
                return s;
            }
        }
        throw new AssertionError("no matching onClose within 20 s");
    }

    Connection awaitOpen() throws InterruptedException {
        Connection c = opened.poll(20, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("onOpen did not run within 20 s");
        }
        return c;
    }
}
