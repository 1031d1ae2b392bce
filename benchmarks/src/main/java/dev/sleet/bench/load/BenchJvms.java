package dev.sleet.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the load benchmarks' orchestrators share ({@link LoadBench}, {@code dev.sleet.bench.client.ClientBench}):
 * the JVM flags every measured process gets, starting a benchmark server in its own JVM and waiting for its
 * {@code LISTENING} line, stopping processes, waiting for a progress line, the rotated order of rounds and medians.
 * Stateless.
 */
public final class BenchJvms {
    /** Identical for every server and client JVM: fixed heap, G1, Netty's leak detector off. */
    public static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
            "-Dio.netty.leakDetection.level=disabled", "--sun-misc-unsafe-memory-access=allow",
            "--enable-native-access=ALL-UNNAMED");

    private BenchJvms() {
    }

    /** The {@code java} launcher of the running JDK. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java <JVM_FLAGS> [extra] -cp <classpath> <mainAndArgs...>}. */
    public static List<String> command(String classpath, List<String> extraFlags, List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(extraFlags);
        cmd.addAll(List.of("-cp", classpath));
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    /** A server process, its standard input and the {@code STATS} lines it printed (see {@link ServerArgs}). */
    public record Server(Process process, java.io.Writer in, BlockingQueue<String> stats) {
        public long pid() {
            return process.pid();
        }

        /** Bytes the server's JVM has allocated so far; -1 when it did not answer within 5 s. */
        public long allocated() throws Exception {
            in.write("STATS\n");
            in.flush();
            String line = stats.poll(5, TimeUnit.SECONDS);
            return line == null ? -1 : Long.parseLong(line.substring(line.indexOf('=') + 1));
        }
    }

    /**
     * Starts {@code cmd} (a server main taking {@link ServerArgs}), waits for its {@code LISTENING} line and keeps
     * draining its output (so it never blocks on a full pipe); {@code STATS} answers go to the queue. The process is
     * stopped again when it does not start.
     */
    public static Server startServer(List<String> cmd, String label) throws Exception {
        return startServer(cmd, label, Duration.ofMinutes(10));
    }

    /**
     * As {@link #startServer(List, String)}, but a server that has not printed {@code LISTENING} within
     * {@code startup} (even one that prints nothing at all) is killed and the call fails.
     */
    public static Server startServer(List<String> cmd, String label, Duration startup) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CountDownLatch started = new CountDownLatch(1);
        Thread watchdog = new Thread(() -> {
            try {
                if (!started.await(startup.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly(); // ends its output, so expect() below fails instead of blocking
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, label + "-startup-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            expect(out, "LISTENING", label + " server");
        } catch (IOException e) {
            stop(p);
            throw e;
        } finally {
            started.countDown();
        }
        BlockingQueue<String> stats = new LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("STATS ")) {
                        stats.add(line);
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new Server(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII), stats);
    }

    /** SIGTERM (lets a JFR recording be written), then SIGKILL after 20 s. */
    public static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Reads lines until one starts with {@code prefix}; fails on end of output or after 10 minutes. */
    public static String expect(BufferedReader out, String prefix, String label) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("FAILED")) {
                System.out.println("  " + label + ": " + line);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        throw new IOException(label + ": output ended before " + prefix);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Round r's order: the list rotated by r (A B C, B C A, C A B, ...), so nobody always goes first. */
    public static List<String> order(List<String> names, int r) {
        List<String> o = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            o.add(names.get((i + r) % names.size()));
        }
        return o;
    }

    /** The median (mean of the middle two for an even count); NaN for none. */
    public static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
