package dev.sleet.bench.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connect-rate workload: {@code concurrency} loops, each opening a connection (TCP, TLS for wss://, the
 * opening handshake), closing it with 1000 and waiting until it is closed, then opening the next, until
 * {@link #stop()}. A cycle counts when the connection opened and then closed with the server's 1000; a connection
 * that does not open, a message on it, a close code other than 1000, or a cycle that takes more than 30 s is an
 * error, ends that loop and fails the run.
 *
 * <p>Threads: the runner calls {@link #start()}/{@link #stop()}/{@link #awaitIdle}; each cycle's callbacks run on
 * the driver's threads and start the loop's next cycle there. {@code running} is volatile; counters are
 * atomics; a cycle's own close code is written by its callback thread and read when its close future completes
 * (ordered by the driver completing that future after {@code onClosed}).
 */
public final class ConnectWorkload {
    private final ClientDriver driver;
    private final URI uri;
    private final int concurrency;
    final Problems problems = new Problems();
    private final LongAdder cycles = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean running;

    public ConnectWorkload(ClientDriver driver, URI uri, int concurrency) {
        this.driver = driver;
        this.uri = uri;
        this.concurrency = concurrency;
    }

    public void start() {
        running = true;
        for (int i = 0; i < concurrency; i++) {
            active.incrementAndGet();
            cycle();
        }
    }

    /** No new cycle starts after this; those under way finish. */
    public void stop() {
        running = false;
    }

    /** Waits up to {@code timeoutMs} for the cycles under way to finish; true when they did. */
    public boolean awaitIdle(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (active.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return active.get() == 0;
    }

    /** Completed open + close cycles so far. */
    public long cycles() {
        return cycles.sum();
    }

    private void cycle() {
        if (!running) {
            active.decrementAndGet();
            return;
        }
        One one = new One();
        driver.connect(uri, one)
                .thenCompose(ClientDriver.Session::close)
                .orTimeout(30, TimeUnit.SECONDS)
                .whenComplete((v, e) -> {
                    if (e != null || one.code != 1000) {
                        problems.error(e != null ? "connect/close cycle: " + e
                                : "closed with " + one.code + " " + one.reason + ", expected 1000");
                        active.decrementAndGet(); // the run has failed: this loop stops
                        return;
                    }
                    cycles.increment();
                    cycle(); // on the driver's thread; a cycle never completes within connect() itself
                });
    }

    /** One connection of one cycle. */
    private final class One implements ClientDriver.Inbound {
        volatile int code = -1;
        volatile String reason = "";

        @Override
        public void onText(String text) {
            problems.error("a text message on a connection that sent none");
        }

        @Override
        public void onBinary(ByteBuffer data) {
            problems.error("a binary message on a connection that sent none");
        }

        @Override
        public void onClosed(int code, String reason) {
            this.code = code;
            this.reason = reason;
        }

        @Override
        public void onError(Throwable error) {
            problems.error("connection error", error);
        }
    }
}
