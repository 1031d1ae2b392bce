package dev.sleet.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An example main started as users start it: a separate JVM, {@code java [flags] -p <module path> -m <module>/<main>},
 * on the module path the tests themselves run on (surefire's {@code jdk.module.path}), with no JVM flags but the
 * ones a test passes. Its stdout and stderr are merged into one stream of lines.
 */
record ExampleProcess(Process process, BlockingQueue<String> lines, List<String> seen, Thread pump)
        implements AutoCloseable {

    /** The module path the tests run on; skips the test when there is none (class-path run). */
    static String modulePath() {
        String modulePath = System.getProperty("jdk.module.path");
        assumeTrue(modulePath != null && !modulePath.isBlank(),
                "SKIPPED: surefire did not run these tests on the module path, so there is none to hand on");
        return modulePath;
    }

    /** {@link #modulePath()} without the entries {@code drop} matches (e.g. Conscrypt's jars). */
    static String modulePathWithout(Predicate<String> drop) {
        return Arrays.stream(modulePath().split(File.pathSeparator))
                .filter(drop.negate())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Starts {@code dev.sleet.examples/<mainClass>} with {@code jvmFlags} before {@code -p} and {@code args} after. */
    static ExampleProcess launch(List<String> jvmFlags, String modulePath, String mainClass, List<String> args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-p", modulePath, "-m", "dev.sleet.examples/" + mainClass));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "example-output");
        pump.setDaemon(true);
        pump.start();
        return new ExampleProcess(p, lines, new ArrayList<>(), pump);
    }

    /** Waits for a line matching {@code p}. */
    Matcher await(Pattern p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m;
                }
            } else if (!process.isAlive() && lines.isEmpty() && !pump.isAlive()) {
                break;
            }
        }
        throw new AssertionError("no line matching " + p + " within " + timeout + "; output: " + seen);
    }

    /**
     * Stops the process with SIGTERM (the examples shut down gracefully), waits for it to exit and for the last of
     * its output, and returns everything it printed.
     */
    List<String> stopAndCollect() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the example did not stop on SIGTERM; output: " + seen);
        }
        pump.join(TimeUnit.SECONDS.toMillis(10)); // the pipe is at its end once the JVM is gone
        lines.drainTo(seen);
        return seen;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stopAndCollect();
        }
    }
}
