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

    /** Prints the one line that says where the server listens, then serves until SIGTERM/Ctrl-C. */
    static void serve(String what, WebSocketServer server, String path) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdown(Duration.ofSeconds(5)), "shutdown"));
        String scheme = server.transport().equals("nio") ? "ws" : "wss";
        String host = server.address().getAddress().isAnyLocalAddress() ? "localhost"
                : server.address().getHostString();
        System.out.println("sleet " + what + " listening on " + scheme + "://" + host + ":" + server.port() + path
                + " (transport " + server.transport() + ")");
        System.out.flush();
        server.awaitTermination();
    }
}
