package dev.sleet.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port, with nothing saved to disk
 * ({@code --save '' --appendonly no}). Stopped by its PID; {@link #kill()} and {@link #restart()} let tests take
 * Redis away and bring it back on the same port. {@link #command} speaks RESP over a plain socket, so tests can
 * look inside Redis (e.g. {@code PUBSUB NUMSUB}) without a client library.
 *
 * <p>Tests check {@link #binary()} first: when the binary is missing they skip with {@link #MISSING} as the reason
 * ({@code .ci/run} installs the Debian package {@code redis-server}).
 */
public final class RedisServer implements AutoCloseable {
    /** The reason a test gives when it skips for lack of Redis. */
    public static final String MISSING = "SKIPPED LOUDLY: redis-server not found (looked at $REDIS_SERVER, PATH, "
            + "/usr/bin, /usr/local/bin, /usr/sbin); install the Debian package redis-server (.ci/run does)";

    private final Path binary;
    private final int port;
    private final List<String> extra;
    private final Path dir;
    private final String password;
    private final boolean tls;
    private final int plainPort;
    private Process process;

    private RedisServer(Path binary, int port, List<String> extra, String password, boolean tls) throws IOException {
        this.binary = binary;
        this.port = port;
        this.plainPort = tls ? freePort() : port;
        this.extra = extra;
        this.password = password;
        this.tls = tls;
        this.dir = Files.createTempDirectory("sleet-redis");
    }

    /** The {@code redis-server} binary, if this machine has one. */
    public static Optional<Path> binary() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("REDIS_SERVER");
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty()) {
                    candidates.add(Path.of(d, "redis-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        candidates.add(Path.of("/usr/local/bin/redis-server"));
        candidates.add(Path.of("/usr/sbin/redis-server"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Starts a plain Redis on a free loopback port. */
    public static RedisServer start() throws IOException, InterruptedException {
        return start(null);
    }

    /** Starts a plain Redis that requires {@code password} (null: none). */
    public static RedisServer start(String password) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        if (password != null) {
            args.add("--requirepass");
            args.add(password);
        }
        RedisServer r = new RedisServer(require(), freePort(), args, password, false);
        r.launch();
        return r;
    }

    /**
     * Starts a Redis that serves TLS on {@link #port()} with this certificate and key, requiring {@code password};
     * it also listens in plain TCP on another loopback port, used only by {@link #command} to look inside.
     */
    public static RedisServer startTls(Path certPem, Path keyPem, String password)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--tls-cert-file", certPem.toString(), "--tls-key-file",
                keyPem.toString(), "--tls-auth-clients", "no"));
        if (password != null) {
            args.add("--requirepass");
            args.add(password);
        }
        RedisServer r = new RedisServer(require(), freePort(), args, password, true);
        r.launch();
        return r;
    }

    /**
     * Starts a Redis with extra arguments (used by {@link RedisCluster}); {@code password} may be null; with
     * {@code tls} the extra arguments carry the certificate and {@link #port()} is the TLS port.
     */
    static RedisServer startWith(List<String> extra, String password, boolean tls)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(extra);
        if (password != null) {
            args.add("--requirepass");
            args.add(password);
        }
        RedisServer r = new RedisServer(require(), freePort(), args, password, tls);
        r.launch();
        return r;
    }

    /** The plain-TCP port (the same as {@link #port()} unless the server serves TLS). */
    int plainPort() {
        return plainPort;
    }

    /** The folder the server runs in (its logs, and a cluster node's {@code nodes.conf}). */
    Path dir() {
        return dir;
    }

    private static Path require() {
        return binary().orElseThrow(() -> new IllegalStateException(MISSING));
    }

    /** A free TCP port on 127.0.0.1 (free when asked; tests start at once). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** The port it listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port} (with the password, and {@code rediss} for TLS). */
    public String uri() {
        return (tls ? "rediss" : "redis") + "://" + (password != null ? ":" + password + "@" : "") + "127.0.0.1:"
                + port;
    }

    /** The server's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void launch() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(), "--loglevel", "warning",
                "--logfile", dir.resolve("redis.log").toString()));
        if (tls) {
            cmd.addAll(List.of("--port", Integer.toString(plainPort), "--tls-port", Integer.toString(port)));
        } else {
            cmd.addAll(List.of("--port", Integer.toString(port)));
        }
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": " + logs());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", plainPort), 200);
                if (pingOk(s)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        kill();
        throw new IOException("redis-server did not start within 10 s: " + logs());
    }

    private boolean pingOk(Socket s) throws IOException {
        s.setSoTimeout(1000);
        s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        int c = s.getInputStream().read();
        return c == '+' || c == '-'; // +PONG, or -NOAUTH when a password is required: either way it serves
    }

    /** What the server wrote to its log (for failure messages). */
    public String logs() {
        try {
            Path log = dir.resolve("redis.log");
            String a = Files.exists(log) ? Files.readString(log) : "";
            Path out = dir.resolve("stdout.log");
            return a + (Files.exists(out) ? Files.readString(out) : "");
        } catch (IOException e) {
            return "(no logs: " + e + ")";
        }
    }

    /** Kills the server at once (SIGKILL): connections drop, every key is gone (nothing is saved). */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the server again on the same port, empty. */
    public void restart() throws IOException, InterruptedException {
        kill();
        launch();
    }

    /**
     * Sends one command over a plain (non-TLS) connection (to the plain port of a TLS server), authenticating first when a password is set, and
     * returns the reply: a String (simple or bulk), a Long, a List, or null; an error reply throws.
     */
    public Object command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", plainPort), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            if (password != null) {
                write(out, "AUTH", password);
                read(in);
            }
            write(out, args);
            return read(in);
        }
    }

    /** {@link #command} for integer replies. */
    public long number(String... args) throws IOException {
        return (Long) command(args);
    }

    private static void write(OutputStream out, String... args) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type " + type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read(); // '\n'
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed");
    }

    /** Waits up to {@code timeout} for the process to end after a kill. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}
