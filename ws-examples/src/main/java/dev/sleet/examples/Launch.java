package dev.sleet.examples;

import dev.sleet.server.WebSocketServer;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What every example main does around its server: quiet logs, one "listening" line, graceful stop on SIGTERM. */
final class Launch {
    private Launch() {
    }

    /** Sleet logs INFO and below only with {@code --verbose}. */
    static void configureLogging(boolean verbose) {
        Logger.getLogger("dev.sleet").setLevel(verbose ? Level.INFO : Level.WARNING);
    }

    /**
     * Prints the one line that says where the server listens (its page's address when {@code page}), then serves
     * until SIGTERM/Ctrl-C; then stops the server and closes {@code afterServer} in order.
     */
    static void serve(String what, WebSocketServer server, boolean page, AutoCloseable... afterServer)
            throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(Duration.ofSeconds(5));
            for (AutoCloseable c : afterServer) { // e.g. the rooms' backplane, once every member has left
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("sleet " + what + ": closing " + c + " failed: " + e);
                }
            }
        }, "shutdown"));
        boolean tls = !server.transport().equals("nio");
        String scheme = page ? (tls ? "https" : "http") : (tls ? "wss" : "ws");
        String host = server.address().getAddress().isAnyLocalAddress() ? "localhost"
                : server.address().getHostString();
        System.out.println("sleet " + what + " listening on " + scheme + "://" + host + ":" + server.port() + "/"
                + (page ? " — open it in a browser" : "") + " (transport " + server.transport() + ")");
        System.out.flush();
        server.awaitTermination();
    }
}
