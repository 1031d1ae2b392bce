package dev.sleet.bench.tls;

import dev.sleet.bench.load.ServerArgs;
import dev.sleet.examples.EchoServer;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One wss:// echo server of the TLS load benchmark, in its own JVM:
 *
 * <pre>
 * TlsEchoServers --server NAME --port N [--threads N] --tls-cert FILE --tls-key FILE
 * </pre>
 *
 * ({@code --port 0}: any free port, the one printed on the {@code LISTENING} line). {@code NAME} is one of
 * {@link #SERVERS}: Sleet on its {@code conscrypt} or {@code jdk-tls} transport (the example
 * {@code EchoServer.Echo} handler, which sends back the received message), Netty on the JDK provider and
 * NIO, or Netty on OpenSSL (BoringSSL) and epoll. All listen on 127.0.0.1 with {@code --threads} I/O threads (Sleet
 * also as many actor workers, and no pings), print {@code LISTENING <port>} and answer {@code STATS} lines like
 * every benchmark server ({@link ServerArgs#listening}), and run until killed. Netty logs through
 * {@code java.util.logging}, like Sleet, so its warnings reach standard error (without an SLF4J binding on the
 * class path it would pick SLF4J's no-op logger and drop them). Stateless.
 */
public final class TlsEchoServers {
    /** The servers this main can start, in the benchmark's default order. */
    public static final List<String> SERVERS = List.of("sleet-conscrypt", "sleet-jdk-tls", "netty-jdk",
            "netty-openssl-epoll");

    private static final String USAGE = "usage: TlsEchoServers --server " + String.join("|", SERVERS)
            + " --port N [--threads N] --tls-cert FILE --tls-key FILE";

    private TlsEchoServers() {
    }

    public static void main(String[] argv) throws Exception {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        String server = null;
        int port = -1;
        int threads = Runtime.getRuntime().availableProcessors();
        Path cert = null;
        Path key = null;
        for (int i = 0; i < argv.length; i++) {
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException(argv[i] + " needs a value; " + USAGE);
            }
            switch (argv[i]) {
                case "--server" -> server = argv[++i];
                case "--port" -> port = Integer.parseInt(argv[++i]);
                case "--threads" -> threads = Integer.parseInt(argv[++i]);
                case "--tls-cert" -> cert = Path.of(argv[++i]);
                case "--tls-key" -> key = Path.of(argv[++i]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i] + "; " + USAGE);
            }
        }
        if (server == null || port < 0 || cert == null || key == null) {
            throw new IllegalArgumentException(USAGE);
        }
        Running running = start(server, port, threads, cert, key);
        ServerArgs.listening(running.port());
        ServerArgs.park();
    }

    /** A started server: the port it listens on, and how to stop it. */
    record Running(int port, AutoCloseable server) implements AutoCloseable {
        @Override
        public void close() {
            try {
                server.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("could not stop the server", e);
            }
        }
    }

    /** Starts {@code server} on 127.0.0.1:{@code port} (0: any free port). */
    static Running start(String server, int port, int threads, Path cert, Path key) throws Exception {
        return switch (server) {
            case "sleet-conscrypt" -> sleet("conscrypt", port, threads, cert, key);
            case "sleet-jdk-tls" -> sleet("jdk-tls", port, threads, cert, key);
            case "netty-jdk" -> netty(false, port, threads, cert, key);
            case "netty-openssl-epoll" -> netty(true, port, threads, cert, key);
            default -> throw new IllegalArgumentException("unknown server " + server + "; one of " + SERVERS);
        };
    }

    private static Running sleet(String transport, int port, int threads, Path cert, Path key) throws Exception {
        WebSocketServer s = WebSocketServer.builder().host("127.0.0.1").port(port).transport(transport)
                .eventLoops(threads).workers(threads).pingInterval(Duration.ZERO)
                .handler(new EchoServer.Echo()).tls(TlsConfig.pem(cert, key)).start();
        return new Running(s.port(), s);
    }

    private static Running netty(boolean openSsl, int port, int threads, Path cert, Path key) throws Exception {
        NettyTlsEchoServer s = new NettyTlsEchoServer(openSsl, port, threads, cert, key, TlsConfig.DEFAULT_PROTOCOLS,
                TlsConfig.DEFAULT_CIPHER_SUITES);
        return new Running(s.port(), s);
    }
}
