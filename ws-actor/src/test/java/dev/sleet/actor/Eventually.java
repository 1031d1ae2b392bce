package dev.sleet.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;

/** Waits for a value that other threads publish a little after the event a test observed. */
final class Eventually {

    private Eventually() {
    }

    static <T> void assertEventually(T expected, Supplier<T> actual, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Probe.TIMEOUT.toNanos();
        T last = actual.get();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            Thread.sleep(2);
            last = actual.get();
        }
        assertEquals(expected, last, what);
    }
}
