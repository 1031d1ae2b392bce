package dev.sleet.bench.tls;

import dev.sleet.bench.load.BenchJvms;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.spi.TlsSupport;
import dev.sleet.testkit.TestCertificates;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.TrustManager;
import org.conscrypt.Conscrypt;

/**
 * What one server-side TLS handshake costs the thread that drives it, with no network and no other load: a
 * Conscrypt client engine and a server engine (the JDK's, as {@code jdk-tls} configures it, or Conscrypt's, as
 * the {@code conscrypt} transport does) pass records through memory on one thread, and only the server's calls
 * are timed, in thread CPU time — split into wrap/unwrap and the JDK's delegated tasks, which are what an event loop would run inline
 * or hand to another thread. This is the figure behind the decision to keep delegated tasks on the loop.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar dev.sleet.bench.tls.TlsHandshakeCost \
 *     [--runs 3] [--handshakes 2000]
 * </pre>
 */
public final class TlsHandshakeCost {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** CPU time of the measuring thread: other processes on a shared machine do not inflate it. */
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** Server nanoseconds spent per handshake: in engine calls, and in delegated tasks. */
    private record Cost(double engineMicros, double taskMicros) {
        double totalMicros() {
            return engineMicros + taskMicros;
        }
    }

    public static void main(String[] argv) throws Exception {
        int runs = 3;
        int handshakes = 2000;
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--runs" -> runs = Integer.parseInt(argv[i + 1]);
                case "--handshakes" -> handshakes = Integer.parseInt(argv[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        Path dir = Files.createTempDirectory("sleet-tls-cost");
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        TlsConfig tls = TlsConfig.pem(cert.certificatePem(), cert.privateKeyPem());
        Provider conscrypt = Conscrypt.newProviderBuilder().setName("Conscrypt-cost").build();
        SSLContext jdkServer = SSLContext.getInstance("TLS");
        jdkServer.init(TlsSupport.keyManagers(tls), null, new SecureRandom());
        SSLContext conscryptServer = SSLContext.getInstance("TLS", conscrypt);
        conscryptServer.init(TlsSupport.keyManagers(tls), null, new SecureRandom());
        SSLContext client = SSLContext.getInstance("TLS", conscrypt);
        client.init(null, new TrustManager[] {new TrustAllManager()}, null);

        Map<String, SSLContext> servers = new LinkedHashMap<>();
        servers.put("conscrypt", conscryptServer);
        servers.put("jdk-tls", jdkServer);
        Map<String, List<Cost>> costs = new LinkedHashMap<>();
        servers.keySet().forEach(k -> costs.put(k, new ArrayList<>()));
        System.out.printf(Locale.ROOT, "server-side handshake cost: %d runs x %d handshakes, JDK %s, EC P-256, "
                + "Conscrypt client%n", runs, handshakes, Runtime.version());
        for (int run = 0; run < runs; run++) {
            for (Map.Entry<String, SSLContext> e : servers.entrySet()) {
                measure(client, e.getValue(), tls, handshakes / 4, null); // warm-up
                Cost c = measure(client, e.getValue(), tls, handshakes, new String[1]);
                costs.get(e.getKey()).add(c);
                System.out.printf(Locale.ROOT, "run %d  %-10s %8.0f CPU µs/handshake (engine %6.0f, delegated tasks %6.0f)"
                        + " = %,6.0f handshakes/s per core%n", run + 1, e.getKey(), c.totalMicros(), c.engineMicros(),
                        c.taskMicros(), 1e6 / c.totalMicros());
            }
        }
        String[] group = new String[1];
        measure(client, jdkServer, tls, 1, group);
        System.out.println("\nnegotiated with the JDK server: " + group[0]);
        System.out.println("\n| server engine | CPU µs per handshake (median) | of which delegated tasks | handshakes/s per core |");
        System.out.println("|---|---|---|---|");
        costs.forEach((name, list) -> {
            double total = BenchJvms.median(list.stream().mapToDouble(Cost::totalMicros).toArray());
            double tasks = BenchJvms.median(list.stream().mapToDouble(Cost::taskMicros).toArray());
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %,.0f |%n", name, total, tasks, 1e6 / total);
        });
    }

    /** Runs {@code n} full handshakes in memory and returns the server's mean cost. */
    private static Cost measure(SSLContext clientContext, SSLContext serverContext, TlsConfig tls, int n,
            String[] negotiated) throws Exception {
        long engineNanos = 0;
        long taskNanos = 0;
        for (int i = 0; i < n; i++) {
            // a new peer name each time: the client has no session to resume, so every handshake is a full one
            SSLEngine c = clientContext.createSSLEngine("h" + i + ".cost.test", 443);
            c.setUseClientMode(true);
            long t0 = CPU.getCurrentThreadCpuTime();
            SSLEngine s = TlsSupport.configure(serverContext.createSSLEngine(), tls);
            s.beginHandshake();
            engineNanos += CPU.getCurrentThreadCpuTime() - t0;
            c.beginHandshake();
            ByteBuffer toServer = ByteBuffer.allocate(1 << 16);
            ByteBuffer toClient = ByteBuffer.allocate(1 << 16);
            ByteBuffer sink = ByteBuffer.allocate(1 << 16);
            for (int step = 0; step < 100 && !(done(c) && done(s)); step++) {
                // client side, untimed
                drive(c, toClient, toServer, sink, null);
                // server side, timed
                long[] tasks = new long[1];
                long s0 = CPU.getCurrentThreadCpuTime();
                drive(s, toServer, toClient, sink, tasks);
                engineNanos += CPU.getCurrentThreadCpuTime() - s0 - tasks[0];
                taskNanos += tasks[0];
            }
            if (!(done(c) && done(s))) {
                throw new IllegalStateException("handshake did not finish: client " + c.getHandshakeStatus()
                        + ", server " + s.getHandshakeStatus());
            }
            if (negotiated != null && negotiated[0] == null) {
                negotiated[0] = s.getSession().getProtocol() + " " + s.getSession().getCipherSuite() + ", group "
                        + Conscrypt.getGroupName(c);
            }
        }
        return new Cost(engineNanos / 1e3 / n, taskNanos / 1e3 / n);
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus hs = e.getHandshakeStatus();
        return hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED;
    }

    /** Feeds {@code in} to the engine and lets it write to {@code out} until it has nothing more to do now. */
    private static void drive(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer sink, long[] taskNanos)
            throws Exception {
        for (int guard = 0; guard < 50; guard++) {
            HandshakeStatus hs = e.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> {
                    long t0 = taskNanos == null ? 0 : CPU.getCurrentThreadCpuTime();
                    Runnable r;
                    while ((r = e.getDelegatedTask()) != null) {
                        r.run();
                    }
                    if (taskNanos != null) {
                        taskNanos[0] += CPU.getCurrentThreadCpuTime() - t0;
                    }
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = e.wrap(EMPTY, out);
                    if (r.bytesProduced() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    in.flip();
                    sink.clear();
                    SSLEngineResult r = e.unwrap(in, sink);
                    in.compact();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0
                            && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                        return;
                    }
                }
                default -> {
                    // finished: a TLS 1.3 server may still owe session tickets; take them out
                    SSLEngineResult r = e.wrap(EMPTY, out);
                    if (r.bytesProduced() == 0) {
                        return;
                    }
                }
            }
        }
    }

    private static final class TrustAllManager implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
