package dev.sleet.bench.server;

import dev.sleet.frame.Frames;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * What {@code Frames.text} pays to turn a string into a frame (the work of {@code Connection.send(String)} and of a
 * {@code PreparedMessage}): from a String, which the JDK copies into the frame when it is ASCII, against the
 * char-by-char encoder, reached through a {@code CharSequence} that is not a String; for the echo benchmark's
 * payloads (32 B and 4 KiB of ASCII, and of mixed-script text: Cyrillic, CJK, emoji), and for Latin-1 text. Run
 * with {@code -prof gc} for bytes allocated per frame.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TextFrameBenchmark {
    @Param({"ascii-32", "ascii-4096", "latin-4096", "mixed-32", "mixed-256", "mixed-4096"})
    public String text;

    /** The load benchmark's mixed-script chat line (Cyrillic, CJK, emoji, ASCII); repeated to the size in bytes. */
    private static final String MIXED = "Привет, как дела? 你好，今天天气很好。🙂🚀👍 ok! Ёжик 東京 🎉 ";

    private String value;
    private CharSequence sequence;

    @Setup
    public void setup() {
        String[] kind = text.split("-");
        int n = Integer.parseInt(kind[1]);
        StringBuilder sb = new StringBuilder(n);
        if (kind[0].equals("mixed")) {
            // whole code points while they fit in n UTF-8 bytes, then ASCII to exactly n bytes
            int bytes = 0;
            for (int i = 0; ; ) {
                int c = MIXED.codePointAt(i);
                int b = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
                if (bytes + b > n) {
                    break;
                }
                sb.appendCodePoint(c);
                bytes += b;
                i = (i + Character.charCount(c)) % MIXED.length();
            }
            sb.append(".".repeat(n - bytes));
        } else {
            for (int i = 0; i < n; i++) {
                sb.append(kind[0].equals("ascii") ? (char) ('a' + i % 26) : (i % 7 == 0 ? 'é' : 'e'));
            }
        }
        value = sb.toString();
        sequence = sb;
        if (!Frames.text(value).equals(Frames.text(sequence))
                || !Frames.text(value).slice(Frames.text(value).remaining() - value.getBytes(StandardCharsets.UTF_8).length,
                        value.getBytes(StandardCharsets.UTF_8).length).equals(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)))) {
            throw new IllegalStateException("the two encoders disagree");
        }
    }

    @Benchmark
    public ByteBuffer generic() {
        return Frames.text(sequence);
    }

    @Benchmark
    public ByteBuffer stringPath() {
        return Frames.text(value);
    }

    /** The JDK's encoder, then a copy into the frame (what an encoder built on getBytes pays). */
    @Benchmark
    public ByteBuffer jdkGetBytes() {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return Frames.binary(utf8);
    }
}
