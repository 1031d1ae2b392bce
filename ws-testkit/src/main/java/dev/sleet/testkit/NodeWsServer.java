package dev.sleet.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link InteropEchoServer} on Node's {@code ws} 8 package ({@code WebSocketServer} with
 * {@code perMessageDeflate}, threshold 0 so every message is compressed once deflate is agreed), run as a child
 * {@code node} process.
 *
 * <p>{@code ws} is looked up where {@code .ci/run}'s {@code install_node_ws} puts it: {@code $SLEET_NODE_MODULES}
 * (a {@code node_modules} folder), else {@code $SLEET_CACHE_DIR/node/node_modules}, else
 * {@code ${XDG_CACHE_HOME:-~/.cache}/sleet/node/node_modules}. Tests call {@link #missing()} first and skip with
 * its message when node or ws is absent.
 */
public final class NodeWsServer implements InteropEchoServer {
    private final ExternalEchoServer process;

    private NodeWsServer(ExternalEchoServer process) {
        this.process = process;
    }

    /** The {@code node_modules} folder that should hold {@code ws}. */
    public static Path nodeModules() {
        String env = System.getenv("SLEET_NODE_MODULES");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        String cache = System.getenv("SLEET_CACHE_DIR");
        if (cache != null && !cache.isEmpty()) {
            return Path.of(cache, "node", "node_modules");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sleet").resolve("node").resolve("node_modules");
    }

    /**
     * Why this server cannot run here (a message naming the missing tool, for a test's assumption), or empty when
     * {@code node} runs and {@code ws} is installed.
     */
    public static Optional<String> missing() {
        if (!ExternalEchoServer.succeeds(List.of("node", "--version"))) {
            return Optional.of("SKIPPED LOUDLY: node not found on PATH; install the Debian package nodejs "
                    + "(.ci/run does)");
        }
        if (!Files.isDirectory(nodeModules().resolve("ws"))) {
            return Optional.of("SKIPPED LOUDLY: Node's ws package not found in " + nodeModules()
                    + " ($SLEET_NODE_MODULES); .ci/run installs it (npm install --prefix <cache>/node ws@8)");
        }
        return Optional.empty();
    }

    /** Starts it on a free loopback port (the script binds port 0 and reports it). */
    public static NodeWsServer start() throws IOException, InterruptedException {
        missing().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        return new NodeWsServer(new ExternalEchoServer("node-echo.js", ".js", List.of("node"),
                Map.of("NODE_PATH", nodeModules().toString())));
    }

    @Override
    public String name() {
        return process.name();
    }

    @Override
    public int port() {
        return process.port();
    }

    /** The node process's id. */
    public long pid() {
        return process.pid();
    }

    /** What the server printed (connection errors, for failure messages). */
    public String output() {
        return process.output();
    }

    /** Stops the node process by its PID. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
