package dev.sleet.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the load benchmarks: each server in its own JVM ({@code java -cp benchmarks.jar <Main> --port N}, the same
 * flags for all), the {@link LoadClient} in another, servers alternated across rounds (A B C, B C A, C A B, ...),
 * and a Markdown table of medians at the end. CPU comes from {@code /proc/<pid>/stat} deltas over the measurement
 * window, for the server and for the load generator, so a reader can judge which one was the bottleneck.
 *
 * <pre>
 * java -cp benchmarks.jar dev.sleet.bench.load.LoadBench echo|idle|fanout|all [--rounds 3] [--servers a,b]
 *      [--measure S] [--warmup S] [--idle-conns N] [--fanout-members N[,N]] [--jfr DIR] [--only CASE]
 * </pre>
 */
public final class LoadBench {
    static final Map<String, String> ECHO_SERVERS = new LinkedHashMap<>();
    static final Map<String, String> FANOUT_SERVERS = new LinkedHashMap<>();

    static {
        ECHO_SERVERS.put("sleet", "dev.sleet.bench.load.SleetEchoServer");
        ECHO_SERVERS.put("netty", "dev.sleet.bench.load.NettyEchoServer");
        ECHO_SERVERS.put("vertx", "dev.sleet.bench.load.VertxEchoServer");
        FANOUT_SERVERS.put("sleet", "dev.sleet.bench.fanout.SleetFanoutServer");
        FANOUT_SERVERS.put("netty", "dev.sleet.bench.fanout.NettyFanoutServer");
        FANOUT_SERVERS.put("vertx", "dev.sleet.bench.fanout.VertxFanoutServer");
        FANOUT_SERVERS.put("java-websocket", "dev.sleet.bench.fanout.JavaWebSocketFanoutServer");
    }

    /** Identical for every server (and the client): fixed heap, G1, Netty's leak detector off. */
    static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
            "-Dio.netty.leakDetection.level=disabled", "--sun-misc-unsafe-memory-access=allow",
            "--enable-native-access=ALL-UNNAMED");

    private int rounds = 3;
    private int warmup = 5;
    private int measure = 10;
    private int idleConns = 10_000;
    private int[] fanoutMembers = {1000, 10_000};
    private List<String> servers;
    private String only;
    private Path jfrDir;
    /** With {@code --baseline JAR}: a server "sleet-base", Sleet's main from another build, for before/after runs. */
    private String baselineJar;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classpath = System.getProperty("java.class.path");
    private final StringBuilder report = new StringBuilder();

    /** One echo case: connections, message size, messages in flight per connection. */
    record EchoCase(String key, String name, int conns, int size, int depth) {
    }

    /** One measured run. */
    record Run(String server, Map<String, String> result, double serverCpu, double clientCpu, long serverRssKib) {
        double num(String key) {
            return Double.parseDouble(result.get(key));
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: LoadBench echo|idle|fanout|all [--rounds N] [--servers a,b] [--measure S]"
                    + " [--warmup S] [--idle-conns N] [--fanout-members N,N] [--only CASE] [--jfr DIR]");
            System.exit(2);
        }
        LoadBench b = new LoadBench();
        String what = argv[0];
        for (int i = 1; i < argv.length; i += 2) {
            String v = argv[i + 1];
            switch (argv[i]) {
                case "--rounds" -> b.rounds = Integer.parseInt(v);
                case "--warmup" -> b.warmup = Integer.parseInt(v);
                case "--measure" -> b.measure = Integer.parseInt(v);
                case "--idle-conns" -> b.idleConns = Integer.parseInt(v);
                case "--fanout-members" -> b.fanoutMembers = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--servers" -> b.servers = List.of(v.split(","));
                case "--only" -> b.only = v;
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
        System.exit(0);
    }

    private void say(String s) {
        System.out.println(s);
        System.out.flush();
    }

    private List<String> pick(Map<String, String> all) {
        List<String> names = new ArrayList<>(all.keySet());
        names.remove("sleet-base");
        if (servers != null) {
            names.retainAll(servers);
        }
        if (baselineJar != null) {
            all.put("sleet-base", all.get("sleet"));
            names.add(Math.min(1, names.size()), "sleet-base");
        }
        return names;
    }

    /** Round r's order: the list rotated by r (A B C, B C A, C A B, ...). */
    private static List<String> order(List<String> names, int r) {
        List<String> o = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            o.add(names.get((i + r) % names.size()));
        }
        return o;
    }

    // ---------------------------------------------------------------------------------------- echo

    private void echo() throws Exception {
        List<EchoCase> cases = List.of(
                new EchoCase("small", "100 connections, 32 B, 16 in flight each", 100, 32, 16),
                new EchoCase("large", "1000 connections, 4 KiB, 1 in flight each", 1000, 4096, 1));
        List<String> names = pick(ECHO_SERVERS);
        for (EchoCase c : cases) {
            if (only != null && !c.key().equals(only)) {
                continue;
            }
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            names.forEach(n -> runs.put(n, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (String s : order(names, r)) {
                    Run run = measured(s, ECHO_SERVERS.get(s), List.of("--mode", "echo", "--conns", "" + c.conns(),
                            "--size", "" + c.size(), "--depth", "" + c.depth(), "--threads", "2",
                            "--sources", c.conns() > 500 ? "8" : "1", "--warmup", "" + warmup, "--measure",
                            "" + measure), c.name() + " r" + r);
                    runs.get(s).add(run);
                }
            }
            echoTable(c, runs);
        }
    }

    private void echoTable(EchoCase c, Map<String, List<Run>> runs) {
        StringBuilder t = new StringBuilder();
        t.append("\n#### Echo: ").append(c.name()).append(" (").append(rounds).append(" rounds, medians)\n\n");
        t.append("| server | msgs/s | p50 µs | p99 µs | server CPU (cores) | server CPU µs/msg | client CPU (cores) |"
                + " msgs/s per run |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        Map<String, Double> rate = new LinkedHashMap<>();
        for (var e : runs.entrySet()) {
            List<Run> rs = e.getValue();
            double msgs = median(rs, r -> r.num("msgsPerSec"));
            rate.put(e.getKey(), msgs);
            t.append(String.format(Locale.ROOT, "| %s | %,.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %s |\n",
                    e.getKey(), msgs, median(rs, r -> r.num("p50us")), median(rs, r -> r.num("p99us")),
                    median(rs, Run::serverCpu), median(rs, r -> r.serverCpu() * 1e6 / r.num("msgsPerSec")),
                    median(rs, Run::clientCpu), perRun(rs, "msgsPerSec")));
        }
        ratios(t, rate, "msgs/s");
        report.append(t);
        say(t.toString());
    }

    // ---------------------------------------------------------------------------------------- fan-out

    private void fanout() throws Exception {
        List<String> names = pick(FANOUT_SERVERS);
        for (int members : fanoutMembers) {
            if (only != null && !("" + members).equals(only)) {
                continue;
            }
            int window = members >= 10_000 ? 4 : 16;
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            names.forEach(n -> runs.put(n, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (String s : order(names, r)) {
                    Run run = measured(s, FANOUT_SERVERS.get(s), List.of("--mode", "fanout", "--conns", "" + members,
                            "--size", "64", "--window", "" + window, "--threads", "2", "--sources", "8",
                            "--warmup", "" + warmup, "--measure", "" + measure), "fanout " + members + " r" + r);
                    runs.get(s).add(run);
                }
            }
            StringBuilder t = new StringBuilder();
            t.append("\n#### Fan-out: ").append(members).append(" members, 64 B text, ").append(window)
                    .append(" broadcasts in flight (").append(rounds).append(" rounds, medians)\n\n");
            t.append("| server | deliveries/s | broadcasts/s | last member p50 µs | last member p99 µs |"
                    + " server CPU (cores) | server CPU ns/delivery | client CPU (cores) | deliveries/s per run |\n");
            t.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            Map<String, Double> rate = new LinkedHashMap<>();
            for (var e : runs.entrySet()) {
                List<Run> rs = e.getValue();
                double d = median(rs, x -> x.num("deliveriesPerSec"));
                rate.put(e.getKey(), d);
                t.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,.0f | %.2f | %.0f | %.2f | %s |\n",
                        e.getKey(), d, median(rs, x -> x.num("broadcastsPerSec")), median(rs, x -> x.num("lastP50us")),
                        median(rs, x -> x.num("lastP99us")), median(rs, Run::serverCpu),
                        median(rs, x -> x.serverCpu() * 1e9 / x.num("deliveriesPerSec")), median(rs, Run::clientCpu),
                        perRun(rs, "deliveriesPerSec")));
            }
            ratios(t, rate, "deliveries/s");
            report.append(t);
            say(t.toString());
        }
    }

    // ---------------------------------------------------------------------------------------- idle memory

    private void idle() throws Exception {
        List<String> names = pick(ECHO_SERVERS);
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        names.forEach(n -> runs.put(n, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (String s : order(names, r)) {
                runs.get(s).add(idleRun(s, ECHO_SERVERS.get(s), "idle r" + r));
            }
        }
        StringBuilder t = new StringBuilder();
        t.append("\n#### Idle memory: ").append(idleConns).append(" idle connections (").append(rounds)
                .append(" rounds, medians)\n\n");
        t.append("| server | memory per idle connection | RSS growth per connection (heap pre-touched) |"
                + " live heap growth per connection (after full GC) | server RSS with the connections |"
                + " memory/conn per run |\n");
        t.append("|---|---:|---:|---:|---:|---|\n");
        for (var e : runs.entrySet()) {
            List<double[]> rs = e.getValue();
            t.append(String.format(Locale.ROOT, "| %s | **%.2f KiB** | %.2f KiB | %.2f KiB | %.0f MiB | %s |\n",
                    e.getKey(), medianOf(rs, 3), medianOf(rs, 0), medianOf(rs, 1), medianOf(rs, 2) / 1024,
                    String.join(" / ", rs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x[3])).toList())));
        }
        report.append(t);
        say(t.toString());
    }

    /** {RSS KiB per connection, heap KiB per connection, RSS KiB with connections, their sum per connection}. */
    private double[] idleRun(String name, String main, String label) throws Exception {
        int port = freePort();
        // The heap is touched in full at start-up (the same 1 GiB for every server), so that RSS growth shows what
        // connections cost outside the heap, not which eden regions the collector happened to use; what they cost
        // inside it is the live-heap growth after a full GC. Their sum is the memory an idle connection holds.
        Process server = startServer(main, port, name.equals("sleet-base") ? label + " [base]" : label,
                "-XX:+AlwaysPreTouch");
        Process client = null;
        try {
            client = new ProcessBuilder(clientCommand(List.of("--mode", "idle", "--port", "" + port, "--conns",
                    "" + idleConns, "--threads", "2", "--sources", "16", "--hold", "300")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
            // Cycle 1 warms the server up (code paths, buffer pools, eden pages touched by handshake garbage).
            expect(out, "READY", label);
            in.write("again\n");
            in.flush();
            expect(out, "CLOSED", label);
            Thread.sleep(3000);
            fullGc(server.pid());
            long rss0 = ProcessCpu.rssKib(server.pid());
            long heap0 = heapUsedKib(server.pid());
            // Cycle 2 is measured: the client opens its connections only now, after the baseline.
            in.write("open\n");
            in.flush();
            String ready = expect(out, "READY", label);
            Thread.sleep(3000);
            fullGc(server.pid());
            long rss1 = ProcessCpu.rssKib(server.pid());
            long heap1 = heapUsedKib(server.pid());
            in.write("done\n");
            in.flush();
            expect(out, "CLOSED", label);
            int opened = Integer.parseInt(ready.split(" ")[1]);
            double[] r = {(rss1 - rss0) / (double) opened, (heap1 - heap0) / (double) opened, rss1,
                    (rss1 - rss0 + heap1 - heap0) / (double) opened};
            say(String.format(Locale.ROOT, "  %-14s %s: %d conns, RSS %d -> %d KiB (%.2f KiB/conn), heap %d -> %d KiB"
                    + " (%.2f KiB/conn)", name, label, opened, rss0, rss1, r[0], heap0, heap1, r[1]));
            return r;
        } finally {
            if (client != null) {
                client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            stop(server);
        }
    }

    // ---------------------------------------------------------------------------------------- one run

    private Run measured(String name, String main, List<String> clientArgs, String label) throws Exception {
        int port = freePort();
        Process server = startServer(main, port, name.equals("sleet-base") ? label + " [base]" : label);
        Process client = null;
        try {
            List<String> args = new ArrayList<>(clientArgs);
            args.add("--port");
            args.add("" + port);
            client = new ProcessBuilder(clientCommand(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            expect(out, "MEASURE_START", label);
            long s0 = ProcessCpu.nanos(server.pid());
            long c0 = ProcessCpu.nanos(client.pid());
            long t0 = System.nanoTime();
            expect(out, "MEASURE_END", label);
            long s1 = ProcessCpu.nanos(server.pid());
            long c1 = ProcessCpu.nanos(client.pid());
            long t1 = System.nanoTime();
            long rss = ProcessCpu.rssKib(server.pid());
            String result = expect(out, "RESULT", label);
            Map<String, String> kv = new LinkedHashMap<>();
            for (String p : result.substring("RESULT ".length()).split(" ")) {
                int eq = p.indexOf('=');
                kv.put(p.substring(0, eq), p.substring(eq + 1));
            }
            double wall = t1 - t0;
            Run run = new Run(name, kv, (s1 - s0) / wall, (c1 - c0) / wall, rss);
            say(String.format(Locale.ROOT, "  %-14s %s: %s serverCpu=%.2f clientCpu=%.2f", name, label,
                    result.substring(7), run.serverCpu(), run.clientCpu()));
            return run;
        } finally {
            if (client != null) {
                client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            stop(server);
        }
    }

    private Process startServer(String main, int port, String label, String... extraFlags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of(extraFlags));
        if (jfrDir != null) {
            Files.createDirectories(jfrDir);
            String file = jfrDir.resolve(main.substring(main.lastIndexOf('.') + 1) + "-"
                    + label.replaceAll("[^A-Za-z0-9]+", "_") + ".jfr").toString();
            cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + file);
        }
        String cp = baselineJar != null && label.contains("[base]") ? baselineJar : classpath;
        cmd.addAll(List.of("-cp", cp, main, "--port", "" + port, "--threads", "2"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            expect(out, "LISTENING", label + " server");
        } catch (IOException e) {
            stop(p);
            throw e;
        }
        // keep draining its output so it never blocks on a full pipe
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
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
        p.destroy(); // SIGTERM: lets a JFR recording be written
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Reads lines until one starts with {@code prefix}; fails on end of output or after 10 minutes. */
    private static String expect(BufferedReader out, String prefix, String label) throws IOException {
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return medianOfValues(runs.stream().mapToDouble(f).toArray());
    }

    private static double medianOf(List<double[]> runs, int i) {
        return medianOfValues(runs.stream().mapToDouble(r -> r[i]).toArray());
    }

    private static double medianOfValues(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String perRun(List<Run> rs, String key) {
        return String.join(" / ", rs.stream().map(r -> String.format(Locale.ROOT, "%,.0f", r.num(key))).toList());
    }

    private static void ratios(StringBuilder t, Map<String, Double> rate, String unit) {
        Double sleet = rate.get("sleet");
        if (sleet == null) {
            return;
        }
        t.append("\nSleet / peer (").append(unit).append(", median / median):");
        for (var e : rate.entrySet()) {
            if (!e.getKey().equals("sleet")) {
                t.append(String.format(Locale.ROOT, " %s %.2f×;", e.getKey(), sleet / e.getValue()));
            }
        }
        t.append('\n');
    }
}
