package dev.sleet.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the load benchmarks: each server in its own JVM ({@code java -cp benchmarks.jar <Main> --port N}, the same
 * flags for all), the {@link LoadClient} in another, servers alternated across rounds (A B C, B C A, C A B, ...),
 * and Markdown tables of medians and per-run values at the end.
 *
 * <p>Per run it samples, over the measurement window: CPU time of the server and of the load generator
 * ({@code /proc/<pid>/stat}), and the bytes the server's JVM allocated ({@code STATS}, see {@link ServerArgs}).
 * The client checks every reply; a run with an error, a dropped connection or a lost reply is marked
 * {@code FAILED} in its table and makes the whole command exit with status 1.
 *
 * <pre>
 * java -cp benchmarks.jar dev.sleet.bench.load.LoadBench echo|idle|fanout|all [--rounds 3] [--servers a,b]
 *      [--measure S] [--warmup S] [--idle-conns N] [--only CASE[,CASE]] [--jfr DIR] [--baseline JAR]
 * </pre>
 */
public final class LoadBench {
    /** Server name to its main class and arguments. */
    static final Map<String, List<String>> ECHO_SERVERS = new LinkedHashMap<>();
    static final Map<String, List<String>> FANOUT_SERVERS = new LinkedHashMap<>();

    static {
        ECHO_SERVERS.put("sleet", List.of("dev.sleet.bench.load.SleetEchoServer"));
        ECHO_SERVERS.put("netty", List.of("dev.sleet.bench.load.NettyEchoServer"));
        ECHO_SERVERS.put("netty-epoll", List.of("dev.sleet.bench.load.NettyEchoServer", "--transport", "epoll"));
        ECHO_SERVERS.put("vertx", List.of("dev.sleet.bench.load.VertxEchoServer"));
        ECHO_SERVERS.put("vertx-epoll", List.of("dev.sleet.bench.load.VertxEchoServer", "--transport", "epoll"));
        FANOUT_SERVERS.put("sleet", List.of("dev.sleet.bench.fanout.SleetFanoutServer"));
        FANOUT_SERVERS.put("netty", List.of("dev.sleet.bench.fanout.NettyFanoutServer"));
        FANOUT_SERVERS.put("netty-epoll", List.of("dev.sleet.bench.fanout.NettyFanoutServer", "--transport", "epoll"));
        FANOUT_SERVERS.put("netty-expert", List.of("dev.sleet.bench.fanout.NettyExpertFanoutServer"));
        FANOUT_SERVERS.put("netty-expert-epoll", List.of("dev.sleet.bench.fanout.NettyExpertFanoutServer",
                "--transport", "epoll"));
        FANOUT_SERVERS.put("vertx", List.of("dev.sleet.bench.fanout.VertxFanoutServer"));
        FANOUT_SERVERS.put("vertx-epoll", List.of("dev.sleet.bench.fanout.VertxFanoutServer", "--transport", "epoll"));
        FANOUT_SERVERS.put("java-websocket", List.of("dev.sleet.bench.fanout.JavaWebSocketFanoutServer"));
    }

    /** Identical for every server (and the client): fixed heap, G1, Netty's leak detector off. */
    static final List<String> JVM_FLAGS = BenchJvms.JVM_FLAGS;

    /** One echo case: connections, message size, messages in flight per connection, payload kind. */
    record EchoCase(String key, String name, int conns, int size, int depth, String payload) {
    }

    static final List<EchoCase> ECHO_CASES = List.of(
            new EchoCase("c1k-32", "1000 connections × 1 in flight, 32 B ASCII text", 1000, 32, 1, "ascii"),
            new EchoCase("c1k-32-mixed", "1000 connections × 1 in flight, 32 B mixed-script text", 1000, 32, 1,
                    "mixed"),
            new EchoCase("c1k-4k-bin", "1000 connections × 1 in flight, 4 KiB binary", 1000, 4096, 1, "binary"),
            new EchoCase("c1k-4k-mixed", "1000 connections × 1 in flight, 4 KiB mixed-script text", 1000, 4096, 1,
                    "mixed"),
            new EchoCase("p100-32", "100 connections × 8 pipelined, 32 B ASCII text", 100, 32, 8, "ascii"),
            new EchoCase("p100-32-mixed", "100 connections × 8 pipelined, 32 B mixed-script text", 100, 32, 8,
                    "mixed"),
            new EchoCase("p100-4k-bin", "100 connections × 8 pipelined, 4 KiB binary", 100, 4096, 8, "binary"),
            new EchoCase("p100-4k-mixed", "100 connections × 8 pipelined, 4 KiB mixed-script text", 100, 4096, 8,
                    "mixed"));

    /** One fan-out case: members, broadcasts in flight (1 = one at a time), payload size and kind. */
    record FanoutCase(String key, String name, int members, int window, int size, String payload) {
    }

    static final List<FanoutCase> FANOUT_CASES = List.of(
            new FanoutCase("single-1000", "1,000 members, single broadcasts (one at a time), 64 B ASCII", 1000, 1,
                    64, "ascii"),
            new FanoutCase("single-1000-mixed", "1,000 members, single broadcasts, 64 B mixed-script", 1000, 1, 64,
                    "mixed"),
            new FanoutCase("burst-1000", "1,000 members, burst (16 broadcasts in flight), 64 B ASCII", 1000, 16, 64,
                    "ascii"),
            new FanoutCase("burst-1000-mixed", "1,000 members, burst (16 in flight), 64 B mixed-script", 1000, 16, 64,
                    "mixed"),
            new FanoutCase("burst-10000", "10,000 members, burst (4 in flight), 64 B ASCII", 10_000, 4, 64, "ascii"));

    private int rounds = 3;
    private int warmup = 5;
    private int measure = 10;
    private int idleConns = 10_000;
    private List<String> servers;
    private List<String> only;
    private Path jfrDir;
    /** With {@code --baseline JAR}: a server "sleet-base", Sleet's main from another build, for before/after runs. */
    private String baselineJar;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classpath = System.getProperty("java.class.path");
    private final StringBuilder report = new StringBuilder();
    private final List<String> failures = new ArrayList<>();

    /** One measured run; {@code failure} is null when it passed every check. */
    record Run(String server, Map<String, String> result, double serverCpu, double clientCpu, long serverRssKib,
            long serverAllocated, String failure) {
        double num(String key) {
            String v = result.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }

        /** Errors, dropped connections and lost replies, summed. */
        long problems() {
            return (long) (num("errors") + num("dropped") + num("lost"));
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || List.of(argv).contains("--help") || List.of(argv).contains("-h")) {
            System.err.println("usage: LoadBench echo|idle|fanout|all [--rounds N] [--servers a,b] [--measure S]"
                    + " [--warmup S] [--idle-conns N] [--only CASE,CASE] [--jfr DIR] [--baseline JAR]\n"
                    + "echo cases: " + ECHO_CASES.stream().map(EchoCase::key).toList() + "\nfan-out cases: "
                    + FANOUT_CASES.stream().map(FanoutCase::key).toList() + "\nservers: echo/idle "
                    + ECHO_SERVERS.keySet() + ", fan-out " + FANOUT_SERVERS.keySet());
            System.exit(2);
        }
        LoadBench b = new LoadBench();
        String what = argv[0];
        for (int i = 1; i < argv.length; i += 2) {
            if (i + 1 == argv.length) {
                throw new IllegalArgumentException("option " + argv[i] + " needs a value");
            }
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--rounds" -> b.rounds = Integer.parseInt(v);
                case "--warmup" -> b.warmup = Integer.parseInt(v);
                case "--measure" -> b.measure = Integer.parseInt(v);
                case "--idle-conns" -> b.idleConns = Integer.parseInt(v);
                case "--servers" -> b.servers = List.of(v.split(","));
                case "--only" -> b.only = List.of(v.split(","));
                case "--jfr" -> b.jfrDir = Path.of(v);
                case "--baseline" -> b.baselineJar = v;
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        b.say("JDK " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, server and client flags " + String.join(" ", JVM_FLAGS));
        switch (what) {
            case "echo" -> b.echo();
            case "idle" -> b.idle();
            case "fanout" -> b.fanout();
            case "all" -> {
                b.echo();
                b.idle();
                b.fanout();
            }
            default -> throw new IllegalArgumentException("unknown benchmark " + what);
        }
        System.out.println();
        System.out.println(b.report);
        if (!b.failures.isEmpty()) {
            System.out.println("FAILED: " + b.failures.size() + " run(s) did not pass the load generator's checks:");
            b.failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
        System.exit(0);
    }

    private void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    private boolean wanted(String key) {
        return only == null || only.contains(key);
    }

    private List<String> pick(Map<String, List<String>> all) {
        List<String> names = new ArrayList<>(all.keySet());
        names.remove("sleet-base");
        if (servers != null) {
            for (String s : servers) {
                if (!all.containsKey(s)) {
                    throw new IllegalArgumentException("no server " + s + "; servers: " + all.keySet());
                }
            }
            names.retainAll(servers);
        }
        if (baselineJar != null) {
            all.put("sleet-base", all.get("sleet"));
            names.add(Math.min(1, names.size()), "sleet-base");
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------- echo

    private void echo() throws Exception {
        List<String> names = pick(ECHO_SERVERS);
        for (EchoCase c : ECHO_CASES) {
            if (!wanted(c.key())) {
                continue;
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            names.forEach(n -> runs.put(n, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (String s : BenchJvms.order(names, r)) {
                    runs.get(s).add(measured(s, ECHO_SERVERS.get(s), List.of("--mode", "echo", "--conns",
                            "" + c.conns(), "--size", "" + c.size(), "--depth", "" + c.depth(), "--payload",
                            c.payload(), "--threads", "2", "--sources", c.conns() > 500 ? "8" : "1", "--warmup",
                            "" + warmup, "--measure", "" + measure), c.key() + " r" + r, "msgs"));
                }
            }
            table("Echo: " + c.name() + " (`" + c.key() + "`)", runs, "msgs/s", "msgsPerSec", "msg", 1e6, "µs",
                    List.of(col("p50 µs", "%.0f", r -> r.num("p50us")), col("p99 µs", "%.0f", r -> r.num("p99us"))));
        }
    }

    // ---------------------------------------------------------------------------------------- fan-out

    private void fanout() throws Exception {
        List<String> names = pick(FANOUT_SERVERS);
        for (FanoutCase c : FANOUT_CASES) {
            if (!wanted(c.key())) {
                continue;
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            names.forEach(n -> runs.put(n, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (String s : BenchJvms.order(names, r)) {
                    runs.get(s).add(measured(s, FANOUT_SERVERS.get(s), List.of("--mode", "fanout", "--conns",
                            "" + c.members(), "--size", "" + c.size(), "--payload", c.payload(), "--window",
                            "" + c.window(), "--threads", "2", "--sources", "8", "--warmup", "" + warmup,
                            "--measure", "" + measure), c.key() + " r" + r, "deliveries"));
                }
            }
            table("Fan-out: " + c.name() + " (`" + c.key() + "`)", runs, "deliveries/s", "deliveriesPerSec",
                    "delivery", 1e9, "ns", List.of(col("broadcasts/s", "%,.0f", r -> r.num("broadcastsPerSec")),
                            col("last member p50 µs", "%,.0f", r -> r.num("lastP50us")),
                            col("last member p99 µs", "%,.0f", r -> r.num("lastP99us"))));
        }
    }

    /** An extra table column: its title, format and value per run (the median is shown). */
    record Col(String title, String format, ToDoubleFunction<Run> f) {
    }

    private static Col col(String title, String format, ToDoubleFunction<Run> f) {
        return new Col(title, format, f);
    }

    /**
     * A table: per server the median rate, the extra columns, server CPU and allocation per unit, client CPU,
     * problems (errors + dropped + lost, summed over the runs) and the rate of each run; then Sleet's ratios
     * against the best peer.
     */
    private void table(String title, Map<String, List<Run>> runs, String unit, String rateKey, String per,
            double cpuScale, String cpuUnit, List<Col> extra) {
        StringBuilder t = new StringBuilder();
        t.append("\n#### ").append(title).append(" (").append(rounds).append(" rounds, medians)\n\n");
        t.append("| server | ").append(unit).append(" |");
        extra.forEach(c -> t.append(' ').append(c.title()).append(" |"));
        t.append(" server CPU (cores) | server CPU ").append(cpuUnit).append('/').append(per)
                .append(" | server alloc B/").append(per).append(" | client CPU (cores) | errors | ")
                .append(unit).append(" per run | CPU ").append(cpuUnit).append('/').append(per).append(" per run |\n");
        t.append("|---|---:|");
        extra.forEach(c -> t.append("---:|"));
        t.append("---:|---:|---:|---:|---:|---|---|\n");
        Map<String, double[]> stats = new LinkedHashMap<>();
        for (var e : runs.entrySet()) {
            List<Run> all = e.getValue();
            List<Run> rs = all.stream().filter(r -> r.result() != null).toList();
            long problems = all.stream().mapToLong(r -> r.result() == null ? 1 : r.problems()).sum();
            long failed = all.stream().filter(r -> r.failure() != null).count();
            ToDoubleFunction<Run> cpuPer = r -> r.serverCpu() * cpuScale / r.num(rateKey);
            ToDoubleFunction<Run> allocPer = r -> r.serverAllocated() < 0 ? Double.NaN
                    : r.serverAllocated() / r.num(rateKey.equals("msgsPerSec") ? "msgs" : "deliveries");
            double rate = median(rs, r -> r.num(rateKey));
            double cpu = median(rs, cpuPer);
            stats.put(e.getKey(), new double[] {rate, cpu});
            t.append("| ").append(e.getKey()).append(String.format(Locale.ROOT, " | %,.0f |", rate));
            extra.forEach(c -> t.append(String.format(Locale.ROOT, " " + c.format() + " |", median(rs, c.f()))));
            t.append(String.format(Locale.ROOT, " %.2f | %s | %,.0f | %.2f | %s | %s | %s |\n", median(rs, Run::serverCpu),
                    fmtCpu(cpu), median(rs, allocPer), median(rs, Run::clientCpu),
                    problems == 0 ? "0" : "**" + problems + (failed > 0 ? " (" + failed + " runs FAILED)" : "") + "**",
                    perRun(all, r -> r.num(rateKey), "%,.0f"), perRun(all, cpuPer, cpuScale == 1e6 ? "%.2f" : "%.0f")));
        }
        ratios(t, stats, unit, cpuUnit + "/" + per);
        report.append(t);
        say(t.toString());
    }

    private static String fmtCpu(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    // ---------------------------------------------------------------------------------------- idle memory

    private void idle() throws Exception {
        List<String> names = pick(ECHO_SERVERS);
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        names.forEach(n -> runs.put(n, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (String s : BenchJvms.order(names, r)) {
                runs.get(s).add(idleRun(s, ECHO_SERVERS.get(s), "idle r" + r));
            }
        }
        int low = idleConns / 5;
        StringBuilder t = new StringBuilder();
        t.append("\n#### Idle memory: RSS slope between ").append(low).append(" and ").append(idleConns)
                .append(" idle connections (").append(rounds).append(" rounds, medians)\n\n");
        t.append("| server | RSS slope per connection | live-heap slope per connection (after full GC) |"
                + " allocated per connection opened | RSS at " + idleConns + " | RSS slope per run | heap slope per run |\n");
        t.append("|---|---:|---:|---:|---:|---|---|\n");
        Map<String, Double> slope = new LinkedHashMap<>();
        for (var e : runs.entrySet()) {
            List<double[]> rs = e.getValue();
            slope.put(e.getKey(), medianOf(rs, 0));
            t.append(String.format(Locale.ROOT, "| %s | **%.2f KiB** | %.2f KiB | %.1f KiB | %.0f MiB | %s | %s |\n",
                    e.getKey(), medianOf(rs, 0), medianOf(rs, 1), medianOf(rs, 3), medianOf(rs, 2) / 1024,
                    perRunOf(rs, 0), perRunOf(rs, 1)));
        }
        Double sleet = slope.get("sleet");
        if (sleet != null) {
            t.append("\nSleet / peer (RSS slope, lower is better):");
            slope.forEach((k, v) -> {
                if (!k.equals("sleet")) {
                    t.append(String.format(Locale.ROOT, " %s %.2f×;", k, sleet / v));
                }
            });
            t.append('\n');
        }
        report.append(t);
        say(t.toString());
    }

    /**
     * {RSS KiB per connection, live-heap KiB per connection, RSS KiB at N, KiB allocated per connection opened}: the slopes between N/5 and N open
     * connections. A fresh server first takes one open/close cycle of N/5 connections (class loading, JIT, buffer
     * pools), then N/5 are opened and measured, then the rest up to N; each point is taken 2 s after the last
     * handshake and a full GC ({@code jcmd GC.run}). RSS is {@code VmRSS} of {@code /proc/<pid>/status}.
     */
    private double[] idleRun(String name, List<String> main, String label) throws Exception {
        int port = freePort();
        int low = idleConns / 5;
        BenchJvms.Server server = startServer(main, port, name.equals("sleet-base") ? label + " [base]" : label);
        Process client = null;
        try {
            client = new ProcessBuilder(clientCommand(List.of("--mode", "idle", "--port", "" + port, "--conns",
                    "" + idleConns, "--threads", "2", "--sources", "16", "--hold", "300")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
            command(in, out, "open " + low, "READY", label);
            command(in, out, "close", "CLOSED", label);
            Thread.sleep(1000);
            String a = command(in, out, "open " + low, "READY", label);
            long[] p0 = idlePoint(server.pid());
            long alloc0 = server.allocated();
            String b = command(in, out, "open " + idleConns, "READY", label);
            long alloc1 = server.allocated();
            long[] p1 = idlePoint(server.pid());
            command(in, out, "close", "CLOSED", label);
            int n0 = Integer.parseInt(a.split(" ")[1]);
            int n1 = Integer.parseInt(b.split(" ")[1]);
            if (n0 != low || n1 != idleConns || !b.contains("errors=0 dropped=0")) {
                failures.add(name + " " + label + ": opened " + n0 + " and " + n1 + " connections (" + b + ")");
            }
            int opened = n1 - n0;
            double[] r = {(p1[0] - p0[0]) / (double) opened, (p1[1] - p0[1]) / (double) opened, p1[0],
                    alloc0 < 0 || alloc1 < 0 ? Double.NaN : (alloc1 - alloc0) / 1024.0 / opened};
            say(String.format(Locale.ROOT, "  %-14s %s: %d -> %d conns, RSS %d -> %d KiB (%.2f KiB/conn), heap %d -> %d"
                    + " KiB (%.2f KiB/conn), allocated %.1f KiB per connection opened", name, label, n0, n1, p0[0],
                    p1[0], r[0], p0[1], p1[1], r[1], r[3]));
            return r;
        } finally {
            if (client != null) {
                client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            stop(server.process());
        }
    }

    /** {VmRSS KiB, live heap KiB}, 2 s after the last handshake and a full GC. */
    private long[] idlePoint(long pid) throws Exception {
        Thread.sleep(2000);
        fullGc(pid);
        Thread.sleep(500);
        long rss = ProcessCpu.rssKib(pid);
        return new long[] {rss, heapUsedKib(pid)};
    }

    private static String command(Writer in, BufferedReader out, String command, String reply, String label)
            throws IOException {
        in.write(command + "\n");
        in.flush();
        return expect(out, reply, label);
    }

    // ---------------------------------------------------------------------------------------- one run

    private Run measured(String name, List<String> main, List<String> clientArgs, String label, String countKey)
            throws Exception {
        int port = freePort();
        BenchJvms.Server server = startServer(main, port, name.equals("sleet-base") ? label + " [base]" : label);
        Process client = null;
        try {
            List<String> args = new ArrayList<>(clientArgs);
            args.add("--port");
            args.add("" + port);
            client = new ProcessBuilder(clientCommand(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            expect(out, "MEASURE_START", label);
            long a0 = server.allocated();
            long s0 = ProcessCpu.nanos(server.pid());
            long c0 = ProcessCpu.nanos(client.pid());
            long t0 = System.nanoTime();
            expect(out, "MEASURE_END", label);
            long s1 = ProcessCpu.nanos(server.pid());
            long c1 = ProcessCpu.nanos(client.pid());
            long t1 = System.nanoTime();
            long a1 = server.allocated();
            long rss = ProcessCpu.rssKib(server.pid());
            String result = expect(out, "RESULT", label);
            Map<String, String> kv = new LinkedHashMap<>();
            for (String p : result.substring("RESULT ".length()).split(" ")) {
                int eq = p.indexOf('=');
                kv.put(p.substring(0, eq), p.substring(eq + 1));
            }
            double wall = t1 - t0;
            long alloc = a0 < 0 || a1 < 0 ? -1 : a1 - a0;
            Run run = new Run(name, kv, (s1 - s0) / wall, (c1 - c0) / wall, rss, alloc, null);
            String failure = null;
            if (run.problems() != 0) {
                failure = name + " " + label + ": errors=" + kv.get("errors") + " dropped=" + kv.get("dropped")
                        + " lost=" + kv.get("lost");
                failures.add(failure);
                run = new Run(name, kv, run.serverCpu(), run.clientCpu(), rss, alloc, failure);
            }
            say(String.format(Locale.ROOT, "  %-18s %s: %s serverCpu=%.2f clientCpu=%.2f serverAllocB/%s=%.0f%s", name,
                    label, result.substring(7), run.serverCpu(), run.clientCpu(), countKey,
                    alloc / run.num(countKey), failure == null ? "" : "  FAILED"));
            return run;
        } catch (IOException e) {
            String failure = name + " " + label + ": " + e.getMessage();
            failures.add(failure);
            say("  FAILED " + failure);
            return new Run(name, null, Double.NaN, Double.NaN, -1, -1, failure);
        } finally {
            if (client != null) {
                client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            stop(server.process());
        }
    }

    private BenchJvms.Server startServer(List<String> main, int port, String label) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(JVM_FLAGS);
        String mainClass = main.get(0);
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            String file = jfrDir.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-"
                    + label.replaceAll("[^A-Za-z0-9]+", "_") + ".jfr").toString();
            cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + file);
        }
        String cp = baselineJar != null && label.contains("[base]") ? baselineJar : classpath;
        cmd.addAll(List.of("-cp", cp));
        cmd.addAll(main);
        cmd.addAll(List.of("--port", "" + port, "--threads", "2"));
        return BenchJvms.startServer(cmd, label);
    }

    private List<String> clientCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", classpath, LoadClient.class.getName()));
        cmd.addAll(args);
        return cmd;
    }

    private static void stop(Process p) throws InterruptedException {
        BenchJvms.stop(p);
    }

    private static String expect(BufferedReader out, String prefix, String label) throws IOException {
        return BenchJvms.expect(out, prefix, label);
    }

    private static int freePort() throws IOException {
        return BenchJvms.freePort();
    }

    private void fullGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
    }

    /** Bytes of live objects (in KiB): the total of a class histogram, which is taken after a full GC. */
    private long heapUsedKib(long pid) throws Exception {
        String histogram = jcmd(pid, "GC.class_histogram");
        Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
        return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
    }

    private String jcmd(long pid, String command) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, "" + pid, command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    // ---------------------------------------------------------------------------------------- statistics

    static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        return medianOfValues(runs.stream().mapToDouble(f).toArray());
    }

    private static double medianOf(List<double[]> runs, int i) {
        return medianOfValues(runs.stream().mapToDouble(r -> r[i]).toArray());
    }

    static double medianOfValues(double[] v) {
        return BenchJvms.median(v);
    }

    private static String perRun(List<Run> rs, ToDoubleFunction<Run> f, String format) {
        return String.join(" / ", rs.stream().map(r -> r.result() == null ? "failed"
                : String.format(Locale.ROOT, format, f.applyAsDouble(r)) + (r.failure() != null ? " (FAILED)" : ""))
                .toList());
    }

    private static String perRunOf(List<double[]> rs, int i) {
        return String.join(" / ", rs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x[i])).toList());
    }

    /**
     * Sleet against the best peer: throughput against the peer with the highest median rate, CPU per unit against
     * the peer with the lowest median CPU per unit (they need not be the same peer).
     */
    static void ratios(StringBuilder t, Map<String, double[]> stats, String unit, String cpuUnit) {
        double[] sleet = stats.get("sleet");
        if (sleet == null) {
            return;
        }
        String bestRate = null;
        String bestCpu = null;
        for (var e : stats.entrySet()) {
            if (e.getKey().startsWith("sleet")) {
                continue;
            }
            if (bestRate == null || e.getValue()[0] > stats.get(bestRate)[0]) {
                bestRate = e.getKey();
            }
            if (bestCpu == null || e.getValue()[1] < stats.get(bestCpu)[1]) {
                bestCpu = e.getKey();
            }
        }
        if (bestRate == null) {
            return;
        }
        t.append(String.format(Locale.ROOT, "\nSleet / best peer: %s %.2f× (%s); server CPU %s %.2f× (%s). Sleet / each"
                + " peer (%s):", unit, sleet[0] / stats.get(bestRate)[0], bestRate, cpuUnit,
                sleet[1] / stats.get(bestCpu)[1], bestCpu, unit));
        for (var e : stats.entrySet()) {
            if (!e.getKey().equals("sleet")) {
                t.append(String.format(Locale.ROOT, " %s %.2f×;", e.getKey(), sleet[0] / e.getValue()[0]));
            }
        }
        t.append('\n');
    }
}
