package dev.sleet.bench.frame;

import dev.sleet.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * UTF-8 validation alone (RFC 3629; RFC 6455 §8.1): Sleet's incremental {@link Utf8Validator} against the plain
 * JDK way to reject bad UTF-8, a reused {@link CharsetDecoder} with {@link CodingErrorAction#REPORT} decoding into
 * a reused {@link CharBuffer}. Each operation checks one payload of {@code size} bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Utf8ValidationBenchmark {
    @Param({"16", "125", "4096", "65536"})
    public int size;

    /** {@code ascii}: chat-like text, a 2-byte letter every ~40 bytes; {@code cjk}: 3-byte code points. */
    @Param({"ascii", "cjk"})
    public String content;

    private ByteBuffer heap;
    private final Utf8Validator validator = new Utf8Validator();
    private CharsetDecoder decoder;
    private CharBuffer chars;

    @Setup
    public void setUp() {
        byte[] data = content.equals("cjk") ? Payloads.cjk(size, 5) : Payloads.mostlyAscii(size, 5);
        heap = ByteBuffer.wrap(data);
        decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        chars = CharBuffer.allocate(size);
        if (!sleet() || !jdkDecoder()) {
            throw new IllegalStateException("payload not valid UTF-8");
        }
    }

    @Benchmark
    public boolean sleet() {
        validator.reset();
        validator.validate(heap);
        return validator.isComplete();
    }

    @Benchmark
    public boolean jdkDecoder() {
        decoder.reset();
        chars.clear();
        ByteBuffer in = heap.duplicate();
        CoderResult r = decoder.decode(in, chars, true);
        return !r.isError() && decoder.flush(chars).isUnderflow();
    }
}
