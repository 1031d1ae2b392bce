package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sleet.core.Connection;
import dev.sleet.core.ConnectionHandler;
import dev.sleet.core.Message;
import dev.sleet.frame.CloseStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConnectionHandler} for tests that records every callback, in order, with the thread it ran on; the test
 * takes them one by one with {@link #next(Class)}.
 */
final class ClientEvents implements ConnectionHandler {
    sealed interface Event {
    }

    record Opened(Connection connection) implements Event {
    }

    record Text(String text) implements Event {
    }

    record Binary(byte[] data) implements Event {
    }

    record Pong(byte[] payload) implements Event {
    }

    record Closed(CloseStatus status) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Names of the threads every callback ran on. */
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onOpen(Connection connection) {
        threads.add(Thread.currentThread().getName());
        events.add(new Opened(connection));
    }

    @Override
    public void onMessage(Connection connection, Message message) {
        threads.add(Thread.currentThread().getName());
        switch (message) {
            case Message.Text t -> events.add(new Text(t.text()));
            case Message.Binary b -> {
                ByteBuffer d = b.data();
                byte[] bytes = new byte[d.remaining()];
                d.get(bytes);
                events.add(new Binary(bytes));
            }
        }
    }

    @Override
    public void onPong(Connection connection, ByteBuffer payload) {
        threads.add(Thread.currentThread().getName());
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        events.add(new Pong(bytes));
    }

    @Override
    public void onClose(Connection connection, CloseStatus status) {
        threads.add(Thread.currentThread().getName());
        events.add(new Closed(status));
    }

    /** The next event, which must be a {@code type}; fails after 10 s or on another type. */
    <T extends Event> T next(Class<T> type) throws InterruptedException {
        return next(type, Duration.ofSeconds(10));
    }

    <T extends Event> T next(Class<T> type, Duration wait) throws InterruptedException {
        Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(e, "no " + type.getSimpleName() + " within " + wait);
        if (!type.isInstance(e)) {
            fail("expected " + type.getSimpleName() + ", got " + e);
        }
        return type.cast(e);
    }

    /** No callback ran on one of the client's I/O threads. */
    boolean neverOnIoThread() {
        return threads.stream().noneMatch(n -> n.startsWith("sleet-client-io") || n.startsWith("sleet-io"));
    }
}
