package dev.sleet.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The command line every benchmark server takes: {@code --port N} (required), {@code --threads N} (I/O threads;
 * default one per core) and {@code --transport nio|epoll} (for the Netty and Vert.x peers; Sleet has NIO only).
 * {@code --tls-port N --tls-cert FILE --tls-key FILE} (Sleet's echo server only, for the client benchmark) also
 * serves wss:// on a second port with that PEM certificate and key; a server that does not serve TLS refuses them
 * ({@link #requirePlain}).
 * Each server prints {@code LISTENING <port>} on standard output once it accepts connections, which is what the
 * orchestrator waits for, and runs until it is killed.
 *
 * <p>{@link #listening} also starts a small statistics thread: for each line {@code STATS} read on standard input
 * it prints {@code STATS allocated=<bytes>}, the bytes allocated in the heap by all of the JVM's threads so far
 * ({@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}). The orchestrator samples it before and
 * after the measured window to report the server's allocation per message, for every server the same way.
 */
public record ServerArgs(int port, int threads, String transport, int tlsPort, Path tlsCert, Path tlsKey) {

    public static ServerArgs parse(String[] argv) {
        int port = -1;
        int threads = Runtime.getRuntime().availableProcessors();
        String transport = "nio";
        int tlsPort = -1;
        Path tlsCert = null;
        Path tlsKey = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--port" -> port = Integer.parseInt(argv[++i]);
                case "--threads" -> threads = Integer.parseInt(argv[++i]);
                case "--transport" -> transport = argv[++i];
                case "--tls-port" -> tlsPort = Integer.parseInt(argv[++i]);
                case "--tls-cert" -> tlsCert = Path.of(argv[++i]);
                case "--tls-key" -> tlsKey = Path.of(argv[++i]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]
                        + "; usage: --port N [--threads N] [--transport nio|epoll]"
                        + " [--tls-port N --tls-cert FILE --tls-key FILE]");
            }
        }
        if (port <= 0) {
            throw new IllegalArgumentException("--port N is required");
        }
        if (!transport.equals("nio") && !transport.equals("epoll")) {
            throw new IllegalArgumentException("--transport must be nio or epoll, not " + transport);
        }
        if ((tlsPort > 0) != (tlsCert != null) || (tlsCert != null) != (tlsKey != null)) {
            throw new IllegalArgumentException("--tls-port, --tls-cert and --tls-key go together");
        }
        return new ServerArgs(port, threads, transport, tlsPort, tlsCert, tlsKey);
    }

    /** True when wss:// was asked for on {@link #tlsPort()}. */
    public boolean tls() {
        return tlsPort > 0;
    }

    /** Fails for a server that has no TLS listener when one was asked for. */
    public ServerArgs requirePlain(String server) {
        if (tls()) {
            throw new IllegalArgumentException(server + " serves plain ws:// only; --tls-port is not supported");
        }
        return this;
    }

    public boolean epoll() {
        return transport.equals("epoll");
    }

    /** Announces readiness to the orchestrator and starts answering {@code STATS} requests. */
    public static void listening(int port) {
        Thread stats = new Thread(ServerArgs::answerStats, "bench-stats");
        stats.setDaemon(true);
        stats.start();
        System.out.println("LISTENING " + port);
        System.out.flush();
    }

    private static void answerStats() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("STATS")) {
                    System.out.println("STATS allocated=" + threads.getTotalThreadAllocatedBytes());
                    System.out.flush();
                }
            }
        } catch (IOException e) {
            // the orchestrator is gone
        }
    }

    /** Keeps the main thread alive until the process is killed. */
    public static void park() throws InterruptedException {
        Thread.currentThread().join();
    }
}
