package dev.sleet.bench.actor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Messages and helpers shared by every runtime's workloads; the hot messages are preallocated singletons. */
final class Messages {

    static final Object PING = new Object() {
        @Override
        public String toString() {
            return "PING";
        }
    };
    static final Object PONG = new Object() {
        @Override
        public String toString() {
            return "PONG";
        }
    };
    static final Object DATA = new Object() {
        @Override
        public String toString() {
            return "DATA";
        }
    };

    /** Starts a round: {@code n} units of work, {@code done} counted down when the round completes. */
    record Start(int n, CountDownLatch done) {
    }

    private Messages() {
    }

    static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round did not complete in 60 s: " + done.getCount() + " left");
        }
    }
}
