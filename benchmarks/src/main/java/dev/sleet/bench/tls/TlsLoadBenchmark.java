package dev.sleet.bench.tls;

import dev.sleet.bench.load.BenchJvms;
import dev.sleet.bench.load.ProcessCpu;
import dev.sleet.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.conscrypt.Conscrypt;

/**
 * TLS load benchmark: echo messages per second and full handshakes (TLS + WebSocket upgrade) per second, and the
 * server's CPU time and allocation per message or handshake, against Sleet on the {@code conscrypt} transport,
 * Sleet on {@code jdk-tls}, Netty's {@code SslHandler} on the JDK provider (NIO) and Netty's {@code SslHandler} on
 * OpenSSL (BoringSSL, epoll). Each server runs in its own JVM ({@link TlsEchoServers}, started fresh for each run
 * and stopped by its PID after its workloads), one at a time, in an order that rotates each run; the load client
 * runs in this JVM.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *     -cp benchmarks/target/benchmarks.jar dev.sleet.bench.tls.TlsLoadBenchmark \
 *     [--runs 3] [--seconds 5] [--warmup 2] [--connections 4] [--handshake-threads 4] [--loops N]
 *     [--small-batch 32] [--large-batch 4] [--workloads small,large,handshakes] [--servers a,b,c]
 * </pre>
 *
 * The client side is the same for every server: blocking Conscrypt sockets (BoringSSL, the cheapest client here,
 * so more of the two shared cores go to the server under test), EC P-256 certificate, TLS 1.3 with
 * AES-128-GCM. Server CPU is {@code utime + stime} of the server process ({@link ProcessCpu}) and allocation its
 * JVM's allocated bytes ({@code STATS}), both sampled at the start and end of the measured window only. It prints a
 * line per run and a Markdown table of medians (with per-run values) and ratios of {@code sleet-conscrypt} to each
 * other server.
 *
 * <p>Thread ownership: all state is local to {@code main}'s thread; the load threads live inside
 * {@link TlsLoadClient}.
 */
public final class TlsLoadBenchmark {
    private static final String REFERENCE = "sleet-conscrypt";

    /** A workload: a name, its unit and how to run it against a client, giving the count in the window. */
    private record Workload(String name, String unit, String per, Measure measure) {
    }

    @FunctionalInterface
    private interface Measure {
        long run(TlsLoadClient client, TlsLoadClient.Window window) throws Exception;
    }

    /** One workload against one server in one run. */
    private record Sample(double rate, double serverCpuMicros, double serverAllocBytes, double clientCpuMicros) {
    }

    /** Samples the server's CPU and allocation and this JVM's CPU at the window's start and end. */
    private static final class ServerWindow implements TlsLoadClient.Window {
        private final BenchJvms.Server server;
        private long alloc0;
        private long cpu0;
        private long client0;
        private long alloc1;
        private long cpu1;
        private long client1;
        private boolean closed;

        ServerWindow(BenchJvms.Server server) {
            this.server = server;
        }

        @Override
        public void opened() throws Exception {
            alloc0 = server.allocated();
            cpu0 = ProcessCpu.nanos(server.pid());
            client0 = ProcessCpu.selfNanos();
        }

        @Override
        public void closed() throws Exception {
            cpu1 = ProcessCpu.nanos(server.pid());
            client1 = ProcessCpu.selfNanos();
            alloc1 = server.allocated();
            closed = true;
        }

        Sample sample(long count, double seconds) {
            if (!closed || count <= 0) {
                throw new IllegalStateException("no complete measured window (count " + count + ")");
            }
            if (cpu0 < 0 || cpu1 < 0 || client0 < 0 || client1 < 0) {
                throw new IllegalStateException("process CPU time could not be read from /proc");
            }
            double alloc = alloc0 < 0 || alloc1 < 0 ? Double.NaN : (double) (alloc1 - alloc0) / count;
            return new Sample(count / seconds, (cpu1 - cpu0) / 1e3 / count, alloc, (client1 - client0) / 1e3 / count);
        }
    }

    private TlsLoadBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> opts = options(argv);
        List<String> known = List.of("runs", "seconds", "warmup", "connections", "handshake-threads", "loops",
                "small-batch", "large-batch", "workloads", "servers");
        for (String k : opts.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + "; options: --" + String.join(", --",
                        known));
            }
        }
        List<String> servers = Arrays.asList(opts.getOrDefault("servers", String.join(",", TlsEchoServers.SERVERS))
                .split(","));
        for (String s : servers) {
            if (!TlsEchoServers.SERVERS.contains(s)) {
                throw new IllegalArgumentException("unknown server " + s + "; one of " + TlsEchoServers.SERVERS);
            }
        }

        Path dir = Files.createTempDirectory("sleet-tls-bench");
        try {
            run(opts, servers, TestCertificates.issue(dir, "localhost", "EC", 1, 30));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void run(Map<String, String> opts, List<String> servers, TestCertificates.Issued cert)
            throws Exception {
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(opts.getOrDefault("warmup", "2"));
        int connections = Integer.parseInt(opts.getOrDefault("connections", "4"));
        int handshakeThreads = Integer.parseInt(opts.getOrDefault("handshake-threads", "4"));
        int loops = Integer.parseInt(opts.getOrDefault("loops", Integer.toString(
                Runtime.getRuntime().availableProcessors())));
        Provider conscrypt = Conscrypt.newProviderBuilder().setName("Conscrypt-bench-client").build();
        SSLContext clientContext = SSLContext.getInstance("TLS", conscrypt);
        clientContext.init(null, new TrustManager[] {new TrustAll()}, null);

        int smallBatch = Integer.parseInt(opts.getOrDefault("small-batch", "32"));
        int largeBatch = Integer.parseInt(opts.getOrDefault("large-batch", "4"));
        List<String> only = Arrays.asList(opts.getOrDefault("workloads", "small,large,handshakes").split(","));
        List<Workload> workloads = new ArrayList<>();
        if (only.contains("small")) {
            workloads.add(new Workload("echo 128 B", "msg/s", "msg",
                    (c, w) -> c.echo(connections, 128, smallBatch, warmup, seconds, w)));
        }
        if (only.contains("large")) {
            workloads.add(new Workload("echo 16 KiB", "msg/s", "msg",
                    (c, w) -> c.echo(connections, 16 * 1024, largeBatch, warmup, seconds, w)));
        }
        if (only.contains("handshakes")) {
            workloads.add(new Workload("handshakes", "hs/s", "hs",
                    (c, w) -> c.handshakes(handshakeThreads, warmup, seconds, w)));
        }

        // results[workload][server] = one sample per run
        Map<String, Map<String, List<Sample>>> results = new LinkedHashMap<>();
        for (Workload w : workloads) {
            Map<String, List<Sample>> byServer = new LinkedHashMap<>();
            servers.forEach(s -> byServer.put(s, new ArrayList<>()));
            results.put(w.name(), byServer);
        }
        Map<String, Set<String>> negotiated = new LinkedHashMap<>(); // protocol + suite -> servers
        String classpath = System.getProperty("java.class.path");
        System.out.printf(Locale.ROOT, "TLS load: %d runs, %.0f s measured after %.0f s warm-up, %d echo "
                + "connections, %d handshake threads, %d server loops, each server in its own JVM (%s), JDK %s, "
                + "%d cores%n", runs, seconds, warmup, connections, handshakeThreads, loops,
                String.join(" ", BenchJvms.JVM_FLAGS), Runtime.version(), Runtime.getRuntime().availableProcessors());
        for (int run = 0; run < runs; run++) {
            for (String server : BenchJvms.order(servers, run)) {
                int port = BenchJvms.freePort();
                List<String> cmd = BenchJvms.command(classpath, List.of(), List.of(TlsEchoServers.class.getName(),
                        "--server", server, "--port", Integer.toString(port), "--threads", Integer.toString(loops),
                        "--tls-cert", cert.certificatePem().toString(),
                        "--tls-key", cert.privateKeyPem().toString()));
                BenchJvms.Server process = BenchJvms.startServer(cmd, server, Duration.ofSeconds(60));
                Thread killer = new Thread(process.process()::destroyForcibly); // on Ctrl-C: no server left behind
                Runtime.getRuntime().addShutdownHook(killer);
                try {
                    TlsLoadClient client = new TlsLoadClient(clientContext.getSocketFactory(), port);
                    String tls = client.negotiated();
                    negotiated.computeIfAbsent(tls, k -> new TreeSet<>()).add(server);
                    System.out.printf(Locale.ROOT, "run %d  %-20s pid %d, negotiated %s%n", run + 1, server,
                            process.pid(), tls);
                    for (Workload w : workloads) {
                        ServerWindow window = new ServerWindow(process);
                        long count = w.measure().run(client, window);
                        Sample s = window.sample(count, seconds);
                        results.get(w.name()).get(server).add(s);
                        System.out.printf(Locale.ROOT, "run %d  %-20s %-12s %,12.0f %-5s  server %8.2f µs CPU/%s"
                                + " %,10.0f B/%s  client %8.2f µs CPU/%s%n", run + 1, server, w.name(), s.rate(),
                                w.unit(), s.serverCpuMicros(), w.per(), s.serverAllocBytes(), w.per(),
                                s.clientCpuMicros(), w.per());
                    }
                } finally {
                    BenchJvms.stop(process.process());
                    Runtime.getRuntime().removeShutdownHook(killer);
                }
            }
        }
        System.out.println();
        System.out.println("negotiated: " + negotiated);
        System.out.println(table(results, servers, workloads, runs));
    }

    private static String table(Map<String, Map<String, List<Sample>>> results, List<String> servers,
            List<Workload> workloads, int runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Medians of %d runs (per-run values in run order in brackets); server "
                + "CPU and allocation per message or handshake, over the measured window only.%n%n", runs));
        sb.append("| workload | figure |");
        servers.forEach(s -> sb.append(" ").append(s).append(" |"));
        sb.append("\n|---|---|");
        servers.forEach(s -> sb.append("---|"));
        sb.append("\n");
        for (Workload w : workloads) {
            Map<String, List<Sample>> byServer = results.get(w.name());
            row(sb, w.name(), w.unit(), servers, byServer, Sample::rate, "%,.0f");
            row(sb, w.name(), "server CPU µs/" + w.per(), servers, byServer, Sample::serverCpuMicros, "%.2f");
            row(sb, w.name(), "server alloc B/" + w.per(), servers, byServer, Sample::serverAllocBytes, "%,.0f");
            row(sb, w.name(), "client CPU µs/" + w.per(), servers, byServer, Sample::clientCpuMicros, "%.2f");
        }
        List<String> others = servers.stream().filter(s -> !s.equals(REFERENCE)).toList();
        if (servers.contains(REFERENCE) && !others.isEmpty()) {
            sb.append("\nRatios of medians, ").append(REFERENCE).append(" / each other server (throughput: above "
                    + "1 is faster; server CPU: below 1 is cheaper):\n\n| workload | figure |");
            others.forEach(s -> sb.append(" ").append(REFERENCE).append(" / ").append(s).append(" |"));
            sb.append("\n|---|---|");
            others.forEach(s -> sb.append("---|"));
            sb.append("\n");
            for (Workload w : workloads) {
                Map<String, List<Sample>> byServer = results.get(w.name());
                ratioRow(sb, w.name(), w.unit(), others, byServer, Sample::rate);
                ratioRow(sb, w.name(), "server CPU µs/" + w.per(), others, byServer, Sample::serverCpuMicros);
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String workload, String figure, List<String> servers,
            Map<String, List<Sample>> byServer, Function<Sample, Double> f, String format) {
        sb.append("| ").append(workload).append(" | ").append(figure).append(" |");
        for (String s : servers) {
            double[] v = values(byServer.get(s), f);
            sb.append(" ").append(String.format(Locale.ROOT, format, BenchJvms.median(v))).append(" [");
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, v[i]));
            }
            sb.append("] |");
        }
        sb.append("\n");
    }

    private static void ratioRow(StringBuilder sb, String workload, String figure, List<String> others,
            Map<String, List<Sample>> byServer, Function<Sample, Double> f) {
        double ref = BenchJvms.median(values(byServer.get(REFERENCE), f));
        sb.append("| ").append(workload).append(" | ").append(figure).append(" |");
        for (String s : others) {
            sb.append(String.format(Locale.ROOT, " %.2f× |", ref / BenchJvms.median(values(byServer.get(s), f))));
        }
        sb.append("\n");
    }

    private static double[] values(List<Sample> samples, Function<Sample, Double> f) {
        return samples.stream().mapToDouble(f::apply).toArray();
    }

    private static Map<String, String> options(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[i + 1]);
        }
        return m;
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
