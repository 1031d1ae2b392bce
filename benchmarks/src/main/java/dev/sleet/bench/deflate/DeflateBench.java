package dev.sleet.bench.deflate;

import dev.sleet.frame.Opcode;
import dev.sleet.frame.Rsv;
import dev.sleet.testkit.ClientDeflate;
import dev.sleet.testkit.RawWebSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * permessage-deflate benchmark: Sleet's echo server against Netty 4.2 with {@code WebSocketServerCompressionHandler}
 * in the same run, each server in its own JVM ({@link DeflateEchoServer}), the load from this one.
 *
 * <p><b>Throughput and bytes on the wire.</b> {@code --connections} clients (default 20), each keeping
 * {@code --window} messages in flight (default 4), echo JSON chat messages (about 120–260 bytes, a pool of 1,000
 * distinct ones) for {@code --seconds} (default 10, after 3 s of warm-up), with deflate off and on. The clients offer
 * {@code permessage-deflate; client_max_window_bits} as browsers do and compress every message with context takeover
 * (JDK zlib, level 6). Reported: echoes per second, and wire bytes per message each way (frame header + payload).
 *
 * <p><b>Memory per connection.</b> {@code --mem-connections} (default 1000) connections that negotiated deflate are
 * opened, then each sends one compressed message and reads its echo. The server process reports its heap after full
 * GCs and its resident set (VmRSS) before, after opening (idle) and after the messages (active); the heap is fixed
 * and pre-touched ({@code -Xms=-Xmx}) so that the RSS growth is off-heap memory: mostly zlib's. Sleet runs twice:
 * defaults (context takeover, like Netty) and {@code DeflateConfig.noContextTakeover()}.
 *
 * <p>{@code --runs} (default 3) repeats everything; the order alternates between runs. Prints a Markdown table of
 * medians and every run's figures.
 */
public final class DeflateBench {
    private final int runs;
    private final int seconds;
    private final int connections;
    private final int window;
    private final int memConnections;
    private final List<String> jsonPool = new ArrayList<>();
    private final String javaBin = ProcessHandle.current().info().command().orElse("java");
    private final String classPath = System.getProperty("java.class.path");

    private DeflateBench(String[] args) {
        int r = 3;
        int s = 10;
        int c = 20;
        int w = 4;
        int m = 1000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--runs" -> r = v;
                case "--seconds" -> s = v;
                case "--connections" -> c = v;
                case "--window" -> w = v;
                case "--mem-connections" -> m = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        runs = r;
        seconds = s;
        connections = c;
        window = w;
        memConnections = m;
        Random rnd = new Random(42);
        String[] words = {"hello", "anyone", "around", "the", "meeting", "starts", "soon", "great", "thanks", "see",
            "you", "later", "did", "build", "pass", "on", "main", "yes", "deploying", "now", "lunch", "coffee"};
        for (int i = 0; i < 1000; i++) {
            StringBuilder text = new StringBuilder();
            int n = 3 + rnd.nextInt(20);
            for (int k = 0; k < n; k++) {
                text.append(k == 0 ? "" : " ").append(words[rnd.nextInt(words.length)]);
            }
            jsonPool.add("{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"user" + rnd.nextInt(500)
                    + "\",\"text\":\"" + text + "\",\"ts\":" + (1_764_000_000_000L + rnd.nextInt(1_000_000_000))
                    + ",\"id\":\"" + Long.toHexString(rnd.nextLong()) + "\"}");
        }
    }

    public static void main(String[] args) throws Exception {
        new DeflateBench(args).run(System.out);
    }

    record Throughput(double perSecond, double upBytes, double downBytes) {
    }

    record Memory(double idleHeap, double idleRss, double activeHeap, double activeRss) {
    }

    private void run(PrintStream out) throws Exception {
        String[][] tputCases = {{"sleet", "plain"}, {"netty", "plain"}, {"sleet", "deflate"}, {"netty", "deflate"}};
        String[][] memCases = {{"sleet", "deflate"}, {"sleet", "deflate-nocontext"}, {"netty", "deflate"}};
        List<List<Throughput>> tput = new ArrayList<>();
        List<List<Memory>> mem = new ArrayList<>();
        for (int i = 0; i < tputCases.length; i++) {
            tput.add(new ArrayList<>());
        }
        for (int i = 0; i < memCases.length; i++) {
            mem.add(new ArrayList<>());
        }
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < tputCases.length; k++) {
                int i = r % 2 == 0 ? k : tputCases.length - 1 - k;
                Throughput t = throughput(tputCases[i][0], tputCases[i][1]);
                tput.get(i).add(t);
                out.printf(Locale.ROOT, "run %d %s %s: %.0f echoes/s, %.1f B up, %.1f B down per message%n", r + 1,
                        tputCases[i][0], tputCases[i][1], t.perSecond(), t.upBytes(), t.downBytes());
            }
            for (int k = 0; k < memCases.length; k++) {
                int i = r % 2 == 0 ? k : memCases.length - 1 - k;
                Memory m = memory(memCases[i][0], memCases[i][1]);
                mem.get(i).add(m);
                out.printf(Locale.ROOT, "run %d %s %s memory per connection: idle heap %.0f B + off-heap %.0f B; "
                        + "active heap %.0f B + off-heap %.0f B%n", r + 1, memCases[i][0], memCases[i][1],
                        m.idleHeap(), m.idleRss(), m.activeHeap(), m.activeRss());
            }
        }
        out.println();
        out.println("| server | deflate | echoes/s (median) | wire bytes up / down per message (median) |");
        out.println("|---|---|---|---|");
        for (int i = 0; i < tputCases.length; i++) {
            List<Throughput> ts = tput.get(i);
            out.printf(Locale.ROOT, "| %s | %s | %.0f | %.1f / %.1f |%n", tputCases[i][0], tputCases[i][1],
                    median(ts.stream().mapToDouble(Throughput::perSecond).toArray()),
                    median(ts.stream().mapToDouble(Throughput::upBytes).toArray()),
                    median(ts.stream().mapToDouble(Throughput::downBytes).toArray()));
        }
        out.println();
        out.println("| server | config | idle: heap + off-heap per connection | active: heap + off-heap per connection |");
        out.println("|---|---|---|---|");
        for (int i = 0; i < memCases.length; i++) {
            List<Memory> ms = mem.get(i);
            out.printf(Locale.ROOT, "| %s | %s | %.0f + %.0f B | %.0f + %.0f B |%n", memCases[i][0], memCases[i][1],
                    median(ms.stream().mapToDouble(Memory::idleHeap).toArray()),
                    median(ms.stream().mapToDouble(Memory::idleRss).toArray()),
                    median(ms.stream().mapToDouble(Memory::activeHeap).toArray()),
                    median(ms.stream().mapToDouble(Memory::activeRss).toArray()));
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A server JVM. */
    private final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader in;
        final PrintStream cmd;
        final int port;

        Child(String impl, String mode) throws IOException {
            process = new ProcessBuilder(javaBin, "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC",
                    "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled",
                    "-cp", classPath, DeflateEchoServer.class.getName(), impl, mode)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            cmd = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String line;
            int p = -1;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("PORT ")) {
                    p = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            if (p < 0) {
                process.destroyForcibly();
                throw new IOException(impl + " " + mode + " did not start");
            }
            port = p;
        }

        long[] mem() throws IOException {
            cmd.println("mem");
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("MEM ")) {
                    String[] f = line.split(" ");
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            }
            throw new IOException("server died");
        }

        @Override
        public void close() throws InterruptedException {
            cmd.println("quit");
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String offer(boolean deflate) {
        return deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "";
    }

    private Throughput throughput(String impl, String mode) throws Exception {
        boolean deflate = !mode.equals("plain");
        try (Child server = new Child(impl, mode)) {
            AtomicLong done = new AtomicLong();
            AtomicLong up = new AtomicLong();
            AtomicLong down = new AtomicLong();
            long warmEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int c = 0; c < connections; c++) {
                int seed = c;
                threads.add(Thread.ofPlatform().start(() -> {
                    try (RawWebSocket ws = RawWebSocket.connect(server.port, "/", offer(deflate));
                            ClientDeflate z = new ClientDeflate()) {
                        boolean agreed = ws.handshakeHeader("Sec-WebSocket-Extensions") != null;
                        if (agreed != deflate) {
                            throw new IllegalStateException(impl + " " + mode + ": deflate agreed = " + agreed);
                        }
                        Random r = new Random(seed);
                        java.util.ArrayDeque<Integer> inFlight = new java.util.ArrayDeque<>();
                        while (true) {
                            long now = System.nanoTime();
                            boolean measuring = now >= warmEnd && now < end;
                            if (now < end) {
                                while (inFlight.size() < window) {
                                    int idx = r.nextInt(jsonPool.size());
                                    byte[] m = jsonPool.get(idx).getBytes(StandardCharsets.UTF_8);
                                    byte[] frame = RawWebSocket.encode(true, deflate ? Rsv.RSV1 : 0, Opcode.TEXT,
                                            deflate ? z.compress(m) : m);
                                    ws.sendRaw(frame);
                                    if (measuring) {
                                        up.addAndGet(frame.length);
                                    }
                                    inFlight.add(idx);
                                }
                            } else if (inFlight.isEmpty()) {
                                break;
                            }
                            RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(30));
                            if (f == null) {
                                throw new IllegalStateException("no echo within 30 s");
                            }
                            int idx = inFlight.remove();
                            byte[] got = f.rsv() == Rsv.RSV1 ? z.decompress(f.payload()) : f.payload();
                            if (got.length != jsonPool.get(idx).length()) {
                                throw new IllegalStateException("wrong echo");
                            }
                            long t = System.nanoTime();
                            if (t >= warmEnd && t < end) {
                                done.incrementAndGet();
                                int len = f.payload().length;
                                down.addAndGet(len + (len < 126 ? 2 : len < 65536 ? 4 : 10));
                            }
                        }
                        ws.sendClose(1000, "");
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (!errors.isEmpty()) {
                throw new IllegalStateException(impl + " " + mode + " failed", errors.get(0));
            }
            double n = done.get();
            return new Throughput(n / seconds, up.get() / n, down.get() / n);
        }
    }

    private Memory memory(String impl, String mode) throws Exception {
        try (Child server = new Child(impl, mode)) {
            List<RawWebSocket> open = new ArrayList<>();
            List<ClientDeflate> zs = new ArrayList<>();
            try {
                // warm the server's code paths first with a few connections of its own
                for (int i = 0; i < 20; i++) {
                    try (RawWebSocket ws = RawWebSocket.connect(server.port, "/", offer(true));
                            ClientDeflate z = new ClientDeflate()) {
                        ws.sendFrame(true, Rsv.RSV1, Opcode.TEXT, z.compress(jsonPool.get(i)
                                .getBytes(StandardCharsets.UTF_8)));
                        ws.readFrame(Duration.ofSeconds(10));
                    }
                }
                Thread.sleep(500);
                long[] base = server.mem();
                for (int i = 0; i < memConnections; i++) {
                    RawWebSocket ws = RawWebSocket.connect(server.port, "/", offer(true));
                    if (ws.handshakeHeader("Sec-WebSocket-Extensions") == null) {
                        throw new IllegalStateException("deflate not agreed");
                    }
                    open.add(ws);
                    zs.add(new ClientDeflate(mode.endsWith("nocontext"), mode.endsWith("nocontext")));
                }
                long[] idle = server.mem();
                for (int i = 0; i < open.size(); i++) {
                    byte[] m = jsonPool.get(i % jsonPool.size()).getBytes(StandardCharsets.UTF_8);
                    open.get(i).sendFrame(true, Rsv.RSV1, Opcode.TEXT, zs.get(i).compress(m));
                    RawWebSocket.Frame f = open.get(i).readFrame(Duration.ofSeconds(10));
                    byte[] got = f.rsv() == Rsv.RSV1 ? zs.get(i).decompress(f.payload()) : f.payload();
                    if (!Arrays.equals(m, got)) {
                        throw new IllegalStateException("wrong echo");
                    }
                }
                long[] active = server.mem();
                double n = memConnections;
                return new Memory((idle[0] - base[0]) / n, (idle[1] - base[1]) / n, (active[0] - base[0]) / n,
                        (active[1] - base[1]) / n);
            } finally {
                for (RawWebSocket ws : open) {
                    ws.close();
                }
                zs.forEach(ClientDeflate::close);
            }
        }
    }
}
