package dev.sleet.bench.client;

import dev.sleet.testkit.TestCertificates;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * One client under test in a JVM of its own, started by {@link ClientBench}: it runs one workload with one driver
 * and prints progress lines ({@code CONNECTED n}, {@code MEASURE_START}, {@code MEASURE_END},
 * {@code RESULT key=value ...}, or {@code FAILED reason}) on standard output.
 *
 * <pre>
 * java -cp benchmarks.jar dev.sleet.bench.client.ClientRunner --driver netty|netty-epoll|jdk --uri ws://127.0.0.1:N/
 *      --workload echo|connect [--conns 50] [--depth 8] [--size 32] [--payload ascii|mixed|binary]
 *      [--concurrency 4] [--warmup 3] [--measure 5] [--io-threads 1] [--cert FILE.pem]
 * </pre>
 *
 * CPU time and allocation are this JVM's own over the measured window: the process CPU time of
 * {@code com.sun.management.OperatingSystemMXBean} (every thread: the library's, the workload's, GC and JIT) and
 * the bytes all threads allocated ({@code com.sun.management.ThreadMXBean}).
 */
public final class ClientRunner {
    private ClientRunner() {
    }

    public static void main(String[] argv) throws Exception {
        String driverName = null;
        String uri = null;
        String workload = "echo";
        int conns = 50;
        int depth = 8;
        int size = 32;
        String payload = "ascii";
        int concurrency = 4;
        int warmup = 3;
        int measure = 5;
        int ioThreads = 1;
        Path cert = null;
        for (int i = 0; i < argv.length; i += 2) {
            if (i + 1 == argv.length) {
                throw new IllegalArgumentException("option " + argv[i] + " needs a value");
            }
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--driver" -> driverName = v;
                case "--uri" -> uri = v;
                case "--workload" -> workload = v;
                case "--conns" -> conns = Integer.parseInt(v);
                case "--depth" -> depth = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--payload" -> payload = v;
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--measure" -> measure = Integer.parseInt(v);
                case "--io-threads" -> ioThreads = Integer.parseInt(v);
                case "--cert" -> cert = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        if (driverName == null || uri == null) {
            throw new IllegalArgumentException("--driver and --uri are required");
        }
        X509Certificate trusted = cert == null ? null : readCertificate(cert);
        SSLContext trusting = trusted == null ? null : TestCertificates.trusting(trusted);
        int code;
        try (ClientDriver driver = ClientDrivers.create(driverName,
                new ClientDriver.Options(ioThreads, trusted, trusting))) {
            Window window = new Window(warmup, measure);
            code = switch (workload) {
                case "echo" -> echo(driver, URI.create(uri), conns, depth, size, payload, window);
                case "connect" -> connect(driver, URI.create(uri), concurrency, window);
                default -> throw new IllegalArgumentException("unknown workload " + workload);
            };
        } catch (Exception e) {
            say("FAILED " + e);
            code = 1;
        }
        System.exit(code);
    }

    static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The warm-up and measured window, with this JVM's CPU time and allocation over the measured part. */
    static final class Window {
        private final int warmup;
        private final int measure;
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu0;
        long alloc0;
        long t0;
        long cpuNanos;
        long allocated;
        long elapsedNanos;

        Window(int warmup, int measure) {
            this.warmup = warmup;
            this.measure = measure;
            threads.setThreadAllocatedMemoryEnabled(true);
        }

        void warmUp() throws InterruptedException {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        }

        void begin() {
            cpu0 = os.getProcessCpuTime();
            alloc0 = threads.getTotalThreadAllocatedBytes();
            t0 = System.nanoTime();
            say("MEASURE_START");
        }

        void sleep() throws InterruptedException {
            Thread.sleep(TimeUnit.SECONDS.toMillis(measure));
        }

        void end() {
            elapsedNanos = System.nanoTime() - t0;
            cpuNanos = os.getProcessCpuTime() - cpu0;
            allocated = threads.getTotalThreadAllocatedBytes() - alloc0;
            say("MEASURE_END");
        }
    }

    private static int echo(ClientDriver driver, URI uri, int conns, int depth, int size, String payload,
            Window w) throws Exception {
        EchoWorkload echo = new EchoWorkload(driver, uri, conns, depth, payload, size);
        echo.open();
        say("CONNECTED " + conns);
        echo.start();
        w.warmUp();
        echo.measureStart();
        long r0 = echo.replies();
        w.begin();
        w.sleep();
        long r1 = echo.replies();
        w.end();
        echo.measureEnd();
        Histogram latency = echo.latencies();
        echo.stopSending();
        echo.awaitSettled(10_000);
        long lost = echo.lost();
        echo.closeAll();
        long msgs = r1 - r0;
        if (msgs == 0) {
            echo.problems.error("no reply at all in the measured window");
        }
        double secs = w.elapsedNanos / 1e9;
        say(String.format(Locale.ROOT, "RESULT workload=echo conns=%d depth=%d size=%d payload=%s nonAscii=%.2f"
                        + " msgs=%d msgsPerSec=%.0f p50us=%.1f p99us=%.1f clientCpu=%.3f clientCpuNanos=%d"
                        + " clientAlloc=%d errors=%d dropped=%d lost=%d",
                conns, depth, size, payload, echo.nonAsciiShare(), msgs, msgs / secs,
                latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                w.cpuNanos / (double) w.elapsedNanos, w.cpuNanos, w.allocated, echo.problems.errors.get(),
                echo.problems.dropped.get(), lost));
        return 0;
    }

    private static int connect(ClientDriver driver, URI uri, int concurrency, Window w) throws Exception {
        ConnectWorkload c = new ConnectWorkload(driver, uri, concurrency);
        c.start();
        say("CONNECTED " + concurrency);
        w.warmUp();
        long c0 = c.cycles();
        w.begin();
        w.sleep();
        long c1 = c.cycles();
        w.end();
        c.stop();
        boolean idle = c.awaitIdle(35_000);
        if (!idle) {
            c.problems.error("connect cycles still under way 35 s after the end");
        }
        long n = c1 - c0;
        if (n == 0) {
            c.problems.error("no connection opened and closed in the measured window");
        }
        double secs = w.elapsedNanos / 1e9;
        say(String.format(Locale.ROOT, "RESULT workload=connect concurrency=%d uri=%s connects=%d connectsPerSec=%.1f"
                        + " clientCpu=%.3f clientCpuNanos=%d clientAlloc=%d errors=%d dropped=0 lost=0",
                concurrency, uri, n, n / secs, w.cpuNanos / (double) w.elapsedNanos, w.cpuNanos, w.allocated,
                c.problems.errors.get()));
        return 0;
    }
}
