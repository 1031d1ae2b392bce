package dev.sleet.bench.load;

/**
 * The command line every benchmark server takes: {@code --port N} (required) and {@code --threads N} (I/O
 * threads; default one per core). Each server prints {@code LISTENING <port>} on standard output once it accepts
 * connections, which is what the orchestrator waits for, and runs until it is killed.
 */
public record ServerArgs(int port, int threads) {

    public static ServerArgs parse(String[] argv) {
        int port = -1;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--port" -> port = Integer.parseInt(argv[++i]);
                case "--threads" -> threads = Integer.parseInt(argv[++i]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]
                        + "; usage: --port N [--threads N]");
            }
        }
        if (port <= 0) {
            throw new IllegalArgumentException("--port N is required");
        }
        return new ServerArgs(port, threads);
    }

    /** Announces readiness to the orchestrator. */
    public static void listening(int port) {
        System.out.println("LISTENING " + port);
        System.out.flush();
    }

    /** Keeps the main thread alive until the process is killed. */
    public static void park() throws InterruptedException {
        Thread.currentThread().join();
    }
}
