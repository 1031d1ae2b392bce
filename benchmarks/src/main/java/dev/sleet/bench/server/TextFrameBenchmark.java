package dev.sleet.bench.server;

import dev.sleet.frame.Frames;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code Connection.send(String)} pays to turn a string into a frame: the generic encoder
 * ({@link Frames#text(CharSequence)}, two passes over the characters) against the server's ASCII fast path
 * ({@code WsConnection.textFrame}: the JDK's intrinsic {@code getBytes}, a scan for '?', one copy behind the header),
 * for the echo benchmark's payloads (32 B and 4 KiB of ASCII) and for non-ASCII text, where the fast path gives up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TextFrameBenchmark {
    @Param({"ascii-32", "ascii-4096", "latin-4096"})
    public String text;

    private String value;
    private MethodHandle textFrame;

    @Setup
    public void setup() throws Throwable {
        String[] kind = text.split("-");
        int n = Integer.parseInt(kind[1]);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(kind[0].equals("ascii") ? (char) ('a' + i % 26) : (i % 7 == 0 ? 'é' : 'e'));
        }
        value = sb.toString();
        Class<?> c = Class.forName("dev.sleet.server.internal.WsConnection");
        textFrame = MethodHandles.privateLookupIn(c, MethodHandles.lookup())
                .findStatic(c, "textFrame", MethodType.methodType(ByteBuffer.class, String.class));
        if (!Frames.text(value).equals((ByteBuffer) textFrame.invokeExact(value))) {
            throw new IllegalStateException("the two encoders disagree");
        }
    }

    @Benchmark
    public ByteBuffer generic() {
        return Frames.text(value);
    }

    @Benchmark
    public ByteBuffer serverFastPath() throws Throwable {
        return (ByteBuffer) textFrame.invokeExact(value);
    }
}
