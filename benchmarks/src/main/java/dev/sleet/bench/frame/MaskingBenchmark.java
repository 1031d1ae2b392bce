package dev.sleet.bench.frame;

import dev.sleet.frame.Masker;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Masking alone (RFC 6455 §5.3), in place: Sleet's {@link Masker} (a precomputed {@code long}, eight bytes per
 * step) on heap and direct buffers, against the plain-JDK loop the RFC's definition suggests
 * ({@code b[i] ^= key[i & 3]}). Each operation masks one payload of {@code size} bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
    @Param({"16", "125", "4096", "65536"})
    public int size;

    private static final int KEY = 0x37fa213d;
    private final byte[] keyBytes = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private byte[] array;
    private ByteBuffer heap;
    private ByteBuffer direct;

    @Setup
    public void setUp() {
        array = Payloads.binary(size, 1);
        heap = ByteBuffer.wrap(Payloads.binary(size, 1));
        direct = ByteBuffer.allocateDirect(size).put(Payloads.binary(size, 1)).flip();
        // Same result as the definition, checked once.
        byte[] check = array.clone();
        for (int i = 0; i < check.length; i++) {
            check[i] ^= keyBytes[i & 3];
        }
        ByteBuffer b = ByteBuffer.wrap(array.clone());
        Masker.mask(b, 0, size, KEY, 0);
        if (!java.util.Arrays.equals(check, b.array())) {
            throw new IllegalStateException("masker disagrees with RFC 6455 §5.3");
        }
    }

    @Benchmark
    public ByteBuffer sleetHeap() {
        Masker.mask(heap, 0, size, KEY, 0);
        return heap;
    }

    @Benchmark
    public ByteBuffer sleetDirect() {
        Masker.mask(direct, 0, size, KEY, 0);
        return direct;
    }

    @Benchmark
    public byte[] jdkByteLoop() {
        byte[] a = array;
        byte[] k = keyBytes;
        for (int i = 0; i < a.length; i++) {
            a[i] ^= k[i & 3];
        }
        return a;
    }
}
