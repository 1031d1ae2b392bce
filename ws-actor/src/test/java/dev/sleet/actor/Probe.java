package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A thread-safe recorder for tests: actors {@link #add} what happens, the test thread takes it in order with
 * a timeout, so that a missing event fails the test instead of hanging it.
 */
final class Probe {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

    void add(Object event) {
        events.add(event);
    }

    /** The next event, or a failure after {@link #TIMEOUT}. */
    Object next() throws InterruptedException {
        Object e = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            fail("no event within " + TIMEOUT);
        }
        return e;
    }

    /** The next event, which must be of the given type. */
    <T> T next(Class<T> type) throws InterruptedException {
        Object e = next();
        if (!type.isInstance(e)) {
            fail("expected a " + type.getSimpleName() + " but got " + e);
        }
        return type.cast(e);
    }

    /** Asserts the next event equals {@code expected}. */
    void expect(Object expected) throws InterruptedException {
        assertEquals(expected, next());
    }

    /** Asserts that nothing arrives within {@code quiet}. */
    void expectNothing(Duration quiet) throws InterruptedException {
        Object e = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        if (e != null) {
            fail("expected no event but got " + e);
        }
    }

    int size() {
        return events.size();
    }
}
