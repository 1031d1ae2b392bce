package dev.sleet.bench.frame;

import dev.sleet.frame.MaskKeySource;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One masking key per client frame (RFC 6455 §5.3), one thread:
 * <ul>
 *   <li>{@code maskKeySource}: Sleet's {@link MaskKeySource} (ChaCha20 under a key from {@code SecureRandom},
 *       re-seeded every 2^20 keys; the reseed cost is inside the measurement);</li>
 *   <li>{@code secureRandomShared}: {@code SecureRandom.nextInt()} on one process-wide {@code new SecureRandom()}
 *       per frame (what a client without its own generator does; the JDK's and ws-frame's old default);</li>
 *   <li>{@code secureRandomOwn}: the same on a {@code SecureRandom} owned by the benchmark thread.</li>
 * </ul>
 * The default {@code SecureRandom} on Linux is {@code NativePRNG} (reads mixed with {@code /dev/urandom}); the
 * algorithm in use is printed by setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskKeyBenchmark {
    private static final SecureRandom SHARED = new SecureRandom();

    private MaskKeySource source;
    private SecureRandom own;

    @Setup
    public void setUp() {
        source = new MaskKeySource();
        own = new SecureRandom();
        System.out.println("SecureRandom algorithm: " + own.getAlgorithm());
        if (source.getAsInt() == source.getAsInt() && source.getAsInt() == source.getAsInt()) {
            throw new IllegalStateException("mask keys repeat");
        }
    }

    @Benchmark
    public int maskKeySource() {
        return source.getAsInt();
    }

    @Benchmark
    public int secureRandomShared() {
        return SHARED.nextInt();
    }

    @Benchmark
    public int secureRandomOwn() {
        return own.nextInt();
    }
}
