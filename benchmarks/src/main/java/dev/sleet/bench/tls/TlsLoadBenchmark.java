package dev.sleet.bench.tls;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketHandler;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.conscrypt.Conscrypt;

/**
 * TLS load benchmark: echo messages per second and full handshakes (TLS + WebSocket upgrade) per second against
 * Sleet on the {@code conscrypt} transport, Sleet on {@code jdk-tls}, and Netty's {@code SslHandler} on the JDK
 * provider, all in one JVM run, servers measured one at a time in a rotating order, each run repeated.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar dev.sleet.bench.tls.TlsLoadBenchmark \
 *     [--runs 3] [--seconds 5] [--warmup 2] [--connections 4] [--handshake-threads 4] [--servers a,b,c]
 * </pre>
 *
 * The client side is the same for every server: blocking Conscrypt sockets (BoringSSL, the cheapest client here,
 * so more of the two shared cores go to the server under test), EC P-256 certificate, TLS 1.3 with
 * AES-128-GCM. It prints a Markdown table with the median of each figure and the ratios.
 */
public final class TlsLoadBenchmark {

    /** A workload: a name and how to measure it against a port. */
    private record Workload(String name, String unit, Measure measure) {
    }

    @FunctionalInterface
    private interface Measure {
        double run(TlsLoadClient client) throws Exception;
    }

    /** Echo: every message back to its sender. */
    static final class Echo implements WebSocketHandler {
        @Override
        public void onMessage(Connection connection, Message message) {
            switch (message) {
                case Message.Text t -> connection.send(t.text());
                case Message.Binary b -> connection.send(b.data());
            }
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> opts = options(argv);
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "5"));
        double warmup = Double.parseDouble(opts.getOrDefault("warmup", "2"));
        int connections = Integer.parseInt(opts.getOrDefault("connections", "4"));
        int handshakeThreads = Integer.parseInt(opts.getOrDefault("handshake-threads", "4"));
        int loops = Integer.parseInt(opts.getOrDefault("loops", Integer.toString(
                Runtime.getRuntime().availableProcessors())));
        List<String> servers = Arrays.asList(opts.getOrDefault("servers", "sleet-conscrypt,sleet-jdk-tls,netty-jdk")
                .split(","));

        Path dir = Files.createTempDirectory("sleet-tls-bench");
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        Provider conscrypt = Conscrypt.newProviderBuilder().setName("Conscrypt-bench-client").build();
        SSLContext clientContext = SSLContext.getInstance("TLS", conscrypt);
        clientContext.init(null, new TrustManager[] {new TrustAll()}, null);

        int smallBatch = Integer.parseInt(opts.getOrDefault("small-batch", "32"));
        int largeBatch = Integer.parseInt(opts.getOrDefault("large-batch", "4"));
        List<String> only = Arrays.asList(opts.getOrDefault("workloads", "small,large,handshakes").split(","));
        List<Workload> workloads = new ArrayList<>();
        if (only.contains("small")) {
            workloads.add(new Workload("echo 128 B", "msg/s",
                    c -> c.echo(connections, 128, smallBatch, warmup, seconds)));
        }
        if (only.contains("large")) {
            workloads.add(new Workload("echo 16 KiB", "msg/s",
                    c -> c.echo(connections, 16 * 1024, largeBatch, warmup, seconds)));
        }
        if (only.contains("handshakes")) {
            workloads.add(new Workload("handshakes", "hs/s", c -> c.handshakes(handshakeThreads, warmup, seconds)));
        }

        // results[workload][server] = one figure per run
        Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
        for (Workload w : workloads) {
            Map<String, List<Double>> byServer = new LinkedHashMap<>();
            servers.forEach(s -> byServer.put(s, new ArrayList<>()));
            results.put(w.name(), byServer);
        }
        System.out.printf(Locale.ROOT, "TLS load: %d runs, %.0f s measured after %.0f s warm-up, %d echo "
                + "connections, %d handshake threads, %d server loops, JDK %s%n", runs, seconds, warmup, connections,
                handshakeThreads, loops, Runtime.version());
        for (int run = 0; run < runs; run++) {
            List<String> order = new ArrayList<>(servers);
            java.util.Collections.rotate(order, -run); // nobody always goes first
            for (String server : order) {
                try (AutoCloseable running = start(server, loops, cert)) {
                    int port = port(running);
                    TlsLoadClient client = new TlsLoadClient(clientContext.getSocketFactory(), port);
                    for (Workload w : workloads) {
                        double v = w.measure().run(client);
                        results.get(w.name()).get(server).add(v);
                        System.out.printf(Locale.ROOT, "run %d  %-16s %-12s %,12.0f %s%n", run + 1, server,
                                w.name(), v, w.unit());
                    }
                }
            }
        }
        System.out.println();
        System.out.println(table(results, servers, workloads));
    }

    private static String table(Map<String, Map<String, List<Double>>> results, List<String> servers,
            List<Workload> workloads) {
        StringBuilder sb = new StringBuilder("| workload |");
        servers.forEach(s -> sb.append(" ").append(s).append(" |"));
        boolean ratios = servers.containsAll(List.of("sleet-conscrypt", "sleet-jdk-tls", "netty-jdk"));
        if (ratios) {
            sb.append(" conscrypt / jdk-tls | conscrypt / netty | jdk-tls / netty |");
        }
        sb.append("\n|---|");
        servers.forEach(s -> sb.append("---|"));
        if (ratios) {
            sb.append("---|---|---|");
        }
        sb.append("\n");
        for (Workload w : workloads) {
            Map<String, List<Double>> byServer = results.get(w.name());
            sb.append("| ").append(w.name()).append(" (").append(w.unit()).append(", median) |");
            for (String s : servers) {
                sb.append(String.format(Locale.ROOT, " %,.0f |", median(byServer.get(s))));
            }
            if (ratios) {
                double c = median(byServer.get("sleet-conscrypt"));
                double j = median(byServer.get("sleet-jdk-tls"));
                double n = median(byServer.get("netty-jdk"));
                sb.append(String.format(Locale.ROOT, " %.2f× | %.2f× | %.2f× |", c / j, c / n, j / n));
            }
            sb.append("\n");
        }
        sb.append("\nper run:\n");
        for (Workload w : workloads) {
            for (String s : servers) {
                sb.append(String.format(Locale.ROOT, "  %-12s %-16s %s%n", w.name(), s, results.get(w.name()).get(s)
                        .stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
            }
        }
        return sb.toString();
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static AutoCloseable start(String server, int loops, TestCertificates.Issued cert) throws Exception {
        TlsConfig tls = TlsConfig.pem(cert.certificatePem(), cert.privateKeyPem());
        return switch (server) {
            case "sleet-conscrypt" -> sleet("conscrypt", loops, tls);
            case "sleet-jdk-tls" -> sleet("jdk-tls", loops, tls);
            case "netty-jdk" -> new NettyTlsEchoServer(loops, cert.key(), cert.certificate(),
                    TlsConfig.DEFAULT_PROTOCOLS, TlsConfig.DEFAULT_CIPHER_SUITES);
            default -> throw new IllegalArgumentException("unknown server " + server
                    + " (sleet-conscrypt, sleet-jdk-tls, netty-jdk)");
        };
    }

    private static WebSocketServer sleet(String transport, int loops, TlsConfig tls) throws Exception {
        return WebSocketServer.builder().host("127.0.0.1").port(0).transport(transport).eventLoops(loops)
                .workers(loops).pingInterval(java.time.Duration.ZERO).handler(new Echo()).tls(tls).start();
    }

    private static int port(AutoCloseable server) {
        return server instanceof WebSocketServer s ? s.port() : ((NettyTlsEchoServer) server).port();
    }

    private static Map<String, String> options(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
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
