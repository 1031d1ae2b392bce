package dev.sleet.bench.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Errors and dropped connections seen by a workload; the first ten errors are described on standard error as
 * {@code CHECK ...} lines. Thread-safe: written by every callback thread, read by the runner (atomics).
 */
final class Problems {
    final AtomicLong errors = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger described = new AtomicInteger();

    void error(String what) {
        errors.incrementAndGet();
        if (described.getAndIncrement() < 10) {
            System.err.println("CHECK " + what);
        }
    }

    void error(String what, Throwable t) {
        error(what + ": " + t);
    }
}
