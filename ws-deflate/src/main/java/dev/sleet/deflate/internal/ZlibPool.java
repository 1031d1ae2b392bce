package dev.sleet.deflate.internal;

import dev.sleet.deflate.DeflateMetrics;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The process-wide store of zlib objects and scratch buffers, and the extension's counters.
 *
 * <p>A JDK {@link Deflater} holds about 260 KiB of native memory from the moment it is made (zlib's window, hash
 * chains and pending buffer), an {@link Inflater} about 7 KiB plus a 32 KiB window from its first output. A
 * connection that keeps no context borrows one for a message and gives it back; a connection that keeps context
 * holds its own from its first compressed message until it closes, then gives it back. Objects come back
 * {@code reset()}; at most {@link #capacity()} of each kind (per compression level for deflaters) stay idle here,
 * the rest are {@code end()}ed at once, so the pool holds a bounded amount of memory however many connections
 * come and go.
 */
public final class ZlibPool {
    /** The process-wide pool. */
    public static final ZlibPool SHARED = new ZlibPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    /** Size of the scratch buffers inflation writes into. */
    static final int SCRATCH_BYTES = 16 * 1024;

    private final int capacity;
    private final Idle<Deflater>[] deflaters;
    private final Idle<Inflater> inflaters = new Idle<>();
    private final Idle<ByteBuffer> scratch = new Idle<>();

    private final LongAdder deflatersLive = new LongAdder();
    private final LongAdder inflatersLive = new LongAdder();
    final LongAdder messagesCompressed = new LongAdder();
    final LongAdder messagesUncompressed = new LongAdder();
    final LongAdder bytesBeforeCompression = new LongAdder();
    final LongAdder bytesAfterCompression = new LongAdder();
    final LongAdder messagesInflated = new LongAdder();
    final LongAdder bytesInflated = new LongAdder();

    @SuppressWarnings("unchecked")
    ZlibPool(int capacity) {
        this.capacity = capacity;
        this.deflaters = new Idle[10];
        for (int i = 0; i < deflaters.length; i++) {
            deflaters[i] = new Idle<>();
        }
    }

    /** How many idle objects of one kind the pool keeps. */
    public int capacity() {
        return capacity;
    }

    /** A raw-DEFLATE compressor at {@code level}, fresh or reset. */
    Deflater takeDeflater(int level) {
        Deflater d = deflaters[level].poll();
        if (d == null) {
            d = new Deflater(level, true);
            deflatersLive.increment();
        }
        return d;
    }

    /** Takes back a compressor (reset here) or frees it when the pool is full. */
    void giveDeflater(int level, Deflater d) {
        d.reset();
        if (!deflaters[level].offer(d, capacity)) {
            d.end();
            deflatersLive.decrement();
        }
    }

    /** A raw-DEFLATE decompressor, fresh or reset. */
    Inflater takeInflater() {
        Inflater i = inflaters.poll();
        if (i == null) {
            i = new Inflater(true);
            inflatersLive.increment();
        }
        return i;
    }

    /** Takes back a decompressor (reset here) or frees it when the pool is full. */
    void giveInflater(Inflater i) {
        i.reset();
        if (!inflaters.offer(i, capacity)) {
            i.end();
            inflatersLive.decrement();
        }
    }

    /** A cleared heap buffer of {@link #SCRATCH_BYTES}. */
    ByteBuffer takeScratch() {
        ByteBuffer b = scratch.poll();
        return b != null ? b.clear() : ByteBuffer.allocate(SCRATCH_BYTES);
    }

    void giveScratch(ByteBuffer b) {
        scratch.offer(b, capacity);
    }

    /** A snapshot of the counters. */
    public DeflateMetrics metrics() {
        int pooledDeflaters = 0;
        for (Idle<Deflater> d : deflaters) {
            pooledDeflaters += d.size();
        }
        return new DeflateMetrics(deflatersLive.sum(), pooledDeflaters, inflatersLive.sum(), inflaters.size(),
                messagesCompressed.sum(), messagesUncompressed.sum(), bytesBeforeCompression.sum(),
                bytesAfterCompression.sum(), messagesInflated.sum(), bytesInflated.sum());
    }

    /** Idle objects: a lock-free queue with a count that admits at most {@code cap}. */
    private static final class Idle<T> {
        private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();

        T poll() {
            T t = queue.poll();
            if (t != null) {
                size.decrementAndGet();
            }
            return t;
        }

        boolean offer(T t, int cap) {
            if (size.incrementAndGet() > cap) {
                size.decrementAndGet();
                return false;
            }
            queue.offer(t);
            return true;
        }

        int size() {
            return Math.max(0, size.get());
        }
    }
}
