package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Handlers never run on an event loop (README: "every callback of a connection runs in that connection's actor
 * ... never on an I/O thread"): test handlers call {@link #record} first thing in every callback
 * ({@code onConnect}, {@code onOpen}, {@code onMessage}, {@code onInfo}, {@code onClose} and the
 * {@link HttpHandler}), and this extension fails the test after which a callback was seen on a thread whose name
 * starts with {@value #IO_THREAD_PREFIX}. Callbacks that run after their test ended (a late {@code onClose}) are
 * caught after the next test, or after the class.
 */
final class HandlerThreads implements AfterEachCallback, AfterAllCallback {
    /** The event loops' thread names: {@code sleet-io-0}, {@code sleet-io-1}, ... */
    static final String IO_THREAD_PREFIX = "sleet-io";

    private static final Queue<String> onIoThreads = new ConcurrentLinkedQueue<>();

    /** Called by a handler at the start of {@code callback}: remembers it if it runs on an event loop. */
    static void record(String callback) {
        String thread = Thread.currentThread().getName();
        if (thread.startsWith(IO_THREAD_PREFIX)) {
            onIoThreads.add(callback + " ran on " + thread);
        }
    }

    /** Fails with every callback seen on an event loop since the last check. */
    static void assertNoneOnIoThreads() {
        List<String> seen = new ArrayList<>();
        for (String s; (s = onIoThreads.poll()) != null; ) {
            seen.add(s);
        }
        if (!seen.isEmpty()) {
            fail("handler callbacks ran on event-loop threads: " + seen);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoneOnIoThreads();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoneOnIoThreads();
    }
}
