package dev.sleet.bench.client;

import dev.sleet.bench.load.BenchJvms;
import dev.sleet.bench.load.ProcessCpu;
import dev.sleet.testkit.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The client benchmark: WebSocket <em>clients</em> against one Sleet echo server ({@code SleetEchoServer}, ws:// and
 * wss:// on two ports, a self-signed certificate the clients trust). Per round the server is started once in its own
 * JVM; for each scenario every client runs in a JVM of its own ({@link ClientRunner}, same flags as the server), one
 * after another, the order rotated each round (A B C, B C A, ...). Per run: the client's rate, its own CPU time and
 * allocation over the measured window, and the server's CPU time ({@code /proc/<pid>/stat}) over the same window.
 * A table per round, then per scenario the medians with per-run values and ratios against each peer.
 *
 * <pre>
 * java -cp benchmarks.jar dev.sleet.bench.client.ClientBench [--clients sleet,netty,jdk] [--rounds 3]
 *      [--scenarios echo-32,echo-mixed,echo-4k-bin,connect,connect-tls] [--conns 50] [--depth 8]
 *      [--concurrency 4] [--warmup 3] [--measure 5] [--io-threads 1] [--server-threads 1]
 * </pre>
 *
 * A driver that is known but absent ({@link ClientDrivers.Known#available()} false) is reported as
 * {@code "<name>: <reason>"} and left out; it never gets a figure. A run with an error, a dropped connection or a
 * lost reply is marked FAILED and makes the command exit with status 1.
 */
public final class ClientBench {

    /** A scenario: echo ({@code size} bytes of {@code payload}) or connect-rate, over ws:// or wss://. */
    record Scenario(String key, String workload, boolean tls, int size, String payload, String description) {
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("echo-32", "echo", false, 32, "ascii", "32 B ASCII text"),
            new Scenario("echo-mixed", "echo", false, 256, "mixed",
                    "256 B mixed-script text (Cyrillic, CJK, emoji, ASCII)"),
            new Scenario("echo-4k-bin", "echo", false, 4096, "binary", "4 KiB binary"),
            new Scenario("connect", "connect", false, 0, "", "open + close over ws://"),
            new Scenario("connect-tls", "connect", true, 0, "",
                    "open + close over wss:// (TLS handshake included; session resumption as each client does by default)"));

    private int rounds = 3;
    private int conns = 50;
    private int depth = 8;
    private int concurrency = 4;
    private int warmup = 3;
    private int measure = 5;
    private int ioThreads = 1;
    private int serverThreads = 1;
    private List<String> clients = ClientDrivers.all().stream().map(ClientDrivers.Known::name).toList();
    private List<Scenario> scenarios = SCENARIOS;
    private final String classpath = System.getProperty("java.class.path");
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder report = new StringBuilder();

    /** One measured run; {@code result} is null when the client did not produce one. */
    record Run(String client, int round, Map<String, String> result, double serverCpu, String failure) {
        double num(String key) {
            String v = result == null ? null : result.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }
    }

    public static void main(String[] argv) throws Exception {
        if (List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            System.err.println(usage());
            System.exit(2);
        }
        ClientBench b = new ClientBench();
        for (int i = 0; i < argv.length; i += 2) {
            if (i + 1 == argv.length) {
                throw new IllegalArgumentException("option " + argv[i] + " needs a value\n" + usage());
            }
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--clients" -> b.clients = List.of(v.split(","));
                case "--rounds" -> b.rounds = Integer.parseInt(v);
                case "--scenarios" -> b.scenarios = pickScenarios(v);
                case "--conns" -> b.conns = Integer.parseInt(v);
                case "--depth" -> b.depth = Integer.parseInt(v);
                case "--concurrency" -> b.concurrency = Integer.parseInt(v);
                case "--warmup" -> b.warmup = Integer.parseInt(v);
                case "--measure" -> b.measure = Integer.parseInt(v);
                case "--io-threads" -> b.ioThreads = Integer.parseInt(v);
                case "--server-threads" -> b.serverThreads = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + argv[i] + "\n" + usage());
            }
        }
        System.exit(b.run());
    }

    static String usage() {
        StringBuilder u = new StringBuilder("usage: ClientBench [--clients a,b] [--rounds N] [--scenarios s,t]"
                + " [--conns N] [--depth N] [--concurrency N] [--warmup S] [--measure S] [--io-threads N]"
                + " [--server-threads N]\nclients:");
        for (ClientDrivers.Known k : ClientDrivers.all()) {
            u.append("\n  ").append(k.name()).append(" — ").append(k.description())
                    .append(k.available() ? "" : " [" + k.absentReason() + "]");
        }
        u.append("\nscenarios:");
        SCENARIOS.forEach(s -> u.append("\n  ").append(s.key()).append(" — ").append(s.description()));
        return u.toString();
    }

    static List<Scenario> pickScenarios(String csv) {
        List<Scenario> out = new ArrayList<>();
        for (String k : csv.split(",")) {
            out.add(SCENARIOS.stream().filter(s -> s.key().equals(k)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("no scenario " + k + "; scenarios: "
                            + SCENARIOS.stream().map(Scenario::key).toList())));
        }
        return out;
    }

    /**
     * The clients that will run: every requested name must be known; the absent ones are reported on
     * {@code notes} and dropped.
     */
    static List<String> runnable(List<String> requested, List<String> notes) {
        List<String> out = new ArrayList<>();
        for (String name : requested) {
            ClientDrivers.Known k = ClientDrivers.known(name);
            if (k.available()) {
                out.add(name);
            } else {
                notes.add(name + ": " + k.absentReason());
            }
        }
        return out;
    }

    private void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    int run() throws Exception {
        List<String> notes = new ArrayList<>();
        List<String> names = runnable(clients, notes);
        notes.forEach(n -> say(n + " (left out)"));
        if (names.isEmpty()) {
            say("no client to run");
            return 1;
        }
        say(String.format(Locale.ROOT, "JDK %s, %d cores, JVM flags %s; server: Sleet echo, %d loop(s); clients %s"
                        + " (%d I/O thread(s) where the library lets one choose); echo %d connections × %d in flight;"
                        + " connect %d at a time; %d s warm-up, %d s measured; %d rounds",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                String.join(" ", BenchJvms.JVM_FLAGS), serverThreads, names, ioThreads, conns, depth, concurrency,
                warmup, measure, rounds));
        Path dir = Files.createTempDirectory("sleet-client-bench");
        try {
            TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
            Map<String, Map<String, List<Run>>> runs = new LinkedHashMap<>(); // scenario -> client -> runs
            for (Scenario s : scenarios) {
                Map<String, List<Run>> m = new LinkedHashMap<>();
                names.forEach(n -> m.put(n, new ArrayList<>()));
                runs.put(s.key(), m);
            }
            for (int r = 0; r < rounds; r++) {
                List<String> order = BenchJvms.order(names, r);
                say("\nround " + (r + 1) + " of " + rounds + ", order " + order);
                int port = BenchJvms.freePort();
                int tlsPort = BenchJvms.freePort();
                BenchJvms.Server server = BenchJvms.startServer(BenchJvms.command(classpath, List.of(), List.of(
                        "dev.sleet.bench.load.SleetEchoServer", "--port", "" + port, "--threads", "" + serverThreads,
                        "--tls-port", "" + tlsPort, "--tls-cert", cert.certificatePem().toString(), "--tls-key",
                        cert.privateKeyPem().toString())), "round " + (r + 1));
                try {
                    for (Scenario s : scenarios) {
                        for (String client : order) {
                            String uri = (s.tls() ? "wss" : "ws") + "://127.0.0.1:" + (s.tls() ? tlsPort : port) + "/";
                            runs.get(s.key()).get(client).add(measured(client, s, uri, cert.certificatePem(),
                                    server, r));
                        }
                    }
                } finally {
                    BenchJvms.stop(server.process());
                }
                roundTable(r, runs);
            }
            for (Scenario s : scenarios) {
                table(s, runs.get(s.key()), notes);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        say("\n" + report);
        if (!failures.isEmpty()) {
            say("FAILED: " + failures.size() + " run(s) did not pass the checks:");
            failures.forEach(f -> say("  " + f));
            return 1;
        }
        return 0;
    }

    private List<String> runnerArgs(String client, Scenario s, String uri, Path cert) {
        List<String> a = new ArrayList<>(List.of(ClientRunner.class.getName(), "--driver", client, "--uri", uri,
                "--workload", s.workload(), "--warmup", "" + warmup, "--measure", "" + measure, "--io-threads",
                "" + ioThreads, "--cert", cert.toString()));
        if (s.workload().equals("echo")) {
            a.addAll(List.of("--conns", "" + conns, "--depth", "" + depth, "--size", "" + s.size(), "--payload",
                    s.payload()));
        } else {
            a.addAll(List.of("--concurrency", "" + concurrency));
        }
        return a;
    }

    private Run measured(String client, Scenario s, String uri, Path cert, BenchJvms.Server server, int round)
            throws Exception {
        String label = client + " " + s.key() + " r" + (round + 1);
        Process p = null;
        try {
            p = new ProcessBuilder(BenchJvms.command(classpath, List.of(), runnerArgs(client, s, uri, cert)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            BenchJvms.expect(out, "MEASURE_START", label);
            long s0 = ProcessCpu.nanos(server.pid());
            long t0 = System.nanoTime();
            BenchJvms.expect(out, "MEASURE_END", label);
            long s1 = ProcessCpu.nanos(server.pid());
            long t1 = System.nanoTime();
            String line = BenchJvms.expect(out, "RESULT", label);
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.substring("RESULT ".length()).split(" ")) {
                int eq = part.indexOf('=');
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
            Run run = new Run(client, round, kv, (s1 - s0) / (double) (t1 - t0), null);
            double problems = run.num("errors") + run.num("dropped") + run.num("lost");
            if (problems != 0) {
                String f = label + ": errors=" + kv.get("errors") + " dropped=" + kv.get("dropped") + " lost="
                        + kv.get("lost");
                failures.add(f);
                run = new Run(client, round, kv, run.serverCpu(), f);
            }
            say(String.format(Locale.ROOT, "  %-12s %-12s r%d: %s serverCpu=%.2f%s", client, s.key(), round + 1,
                    line.substring(7), run.serverCpu(), run.failure() == null ? "" : "  FAILED"));
            return run;
        } catch (IOException e) {
            String f = label + ": " + e.getMessage();
            failures.add(f);
            say("  FAILED " + f);
            return new Run(client, round, null, Double.NaN, f);
        } finally {
            if (p != null) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---------------------------------------------------------------------------------------- tables

    private static boolean isEcho(Scenario s) {
        return s.workload().equals("echo");
    }

    private static String rateKey(Scenario s) {
        return isEcho(s) ? "msgsPerSec" : "connectsPerSec";
    }

    private static String countKey(Scenario s) {
        return isEcho(s) ? "msgs" : "connects";
    }

    /** Client CPU per operation: µs per message, µs per connect. */
    private static double cpuPer(Scenario s, Run r) {
        return r.num("clientCpuNanos") / 1e3 / r.num(countKey(s));
    }

    private static double allocPer(Scenario s, Run r) {
        return r.num("clientAlloc") / r.num(countKey(s));
    }

    private void roundTable(int r, Map<String, Map<String, List<Run>>> runs) {
        StringBuilder t = new StringBuilder();
        t.append("\n#### Round ").append(r + 1).append(" of ").append(rounds).append("\n\n");
        t.append("| scenario | client | rate | client CPU (cores) | client CPU µs/op | client alloc B/op |"
                + " server CPU (cores) | errors |\n|---|---|---:|---:|---:|---:|---:|---|\n");
        for (Scenario s : scenarios) {
            for (var e : runs.get(s.key()).entrySet()) {
                Run run = e.getValue().get(r);
                t.append(String.format(Locale.ROOT, "| %s | %s | %,.0f %s | %.2f | %.2f | %,.0f | %.2f | %s |\n",
                        s.key(), e.getKey(), run.num(rateKey(s)), isEcho(s) ? "msgs/s" : "connects/s",
                        run.num("clientCpu"), cpuPer(s, run), allocPer(s, run), run.serverCpu(),
                        run.failure() == null ? "0" : "**FAILED**"));
            }
        }
        say(t.toString());
    }

    private static double median(List<Run> rs, ToDoubleFunction<Run> f) {
        return BenchJvms.median(rs.stream().filter(r -> r.result() != null).mapToDouble(f).toArray());
    }

    private static String perRun(List<Run> rs, ToDoubleFunction<Run> f, String format) {
        return String.join(" / ", rs.stream().map(r -> r.result() == null ? "failed"
                : String.format(Locale.ROOT, format, f.applyAsDouble(r)) + (r.failure() != null ? " (FAILED)" : ""))
                .toList());
    }

    /** Medians per client, per-run values, then the reference client (Sleet when it ran) against each peer. */
    private void table(Scenario s, Map<String, List<Run>> byClient, List<String> notes) {
        boolean echo = isEcho(s);
        String unit = echo ? "msgs/s" : "connects/s";
        String per = echo ? "msg" : "connect";
        StringBuilder t = new StringBuilder();
        String what = echo ? "Client echo: " + conns + " connections × " + depth + " in flight, " + s.description()
                : "Client connect rate: " + concurrency + " at a time, " + s.description();
        t.append("\n#### ").append(what).append(" (`").append(s.key()).append("`) (").append(rounds)
                .append(" rounds, medians)\n\n");
        t.append("| client | ").append(unit).append(" |").append(echo ? " p50 µs | p99 µs |" : "")
                .append(" client CPU (cores) | client CPU µs/").append(per).append(" | client alloc B/").append(per)
                .append(" | server CPU (cores) | errors | ").append(unit).append(" per run | client CPU µs/")
                .append(per).append(" per run |\n");
        t.append("|---|---:|").append(echo ? "---:|---:|" : "").append("---:|---:|---:|---:|---:|---|---|\n");
        Map<String, double[]> stats = new LinkedHashMap<>();
        for (var e : byClient.entrySet()) {
            List<Run> rs = e.getValue();
            long failed = rs.stream().filter(r -> r.failure() != null).count();
            double rate = median(rs, r -> r.num(rateKey(s)));
            double cpu = median(rs, r -> cpuPer(s, r));
            stats.put(e.getKey(), new double[] {rate, cpu});
            t.append(String.format(Locale.ROOT, "| %s | %,.0f |", e.getKey(), rate));
            if (echo) {
                t.append(String.format(Locale.ROOT, " %.0f | %.0f |", median(rs, r -> r.num("p50us")),
                        median(rs, r -> r.num("p99us"))));
            }
            t.append(String.format(Locale.ROOT, " %.2f | %.2f | %,.0f | %.2f | %s | %s | %s |\n",
                    median(rs, r -> r.num("clientCpu")), cpu, median(rs, r -> allocPer(s, r)),
                    median(rs, Run::serverCpu), failed == 0 ? "0" : "**" + failed + " runs FAILED**",
                    perRun(rs, r -> r.num(rateKey(s)), "%,.0f"), perRun(rs, r -> cpuPer(s, r), "%.2f")));
        }
        ratios(t, stats, unit, "client CPU µs/" + per);
        notes.forEach(n -> t.append("\n").append(n).append(" (not measured)\n"));
        report.append(t);
        say(t.toString());
    }

    /**
     * The reference client against each peer: Sleet when it ran, else the first client listed. Rate ratio (higher
     * is better) and client-CPU-per-operation ratio (lower is better).
     */
    static void ratios(StringBuilder t, Map<String, double[]> stats, String unit, String cpuUnit) {
        if (stats.size() < 2) {
            return;
        }
        String ref = stats.containsKey("sleet") ? "sleet" : stats.keySet().iterator().next();
        double[] a = stats.get(ref);
        t.append(String.format(Locale.ROOT, "\n%s / each peer (%s, higher is better; %s, lower is better):", ref,
                unit, cpuUnit));
        for (var e : stats.entrySet()) {
            if (!e.getKey().equals(ref)) {
                t.append(String.format(Locale.ROOT, " %s %.2f× / %.2f×;", e.getKey(), a[0] / e.getValue()[0],
                        a[1] / e.getValue()[1]));
            }
        }
        t.append('\n');
    }
}
