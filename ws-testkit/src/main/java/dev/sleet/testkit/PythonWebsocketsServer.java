package dev.sleet.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link InteropEchoServer} on Python's {@code websockets} package (Debian's {@code python3-websockets}, 10.4
 * here; {@code websockets.serve} with a {@code ServerPerMessageDeflateFactory} that accepts every offer), run as a
 * child process of Debian's {@code /usr/bin/python3} (the {@code python3} first on PATH may be another build that
 * cannot see Debian's packages), or {@code $SLEET_PYTHON3}.
 *
 * <p>Tests call {@link #missing()} first and skip with its message when Python or the package is absent.
 */
public final class PythonWebsocketsServer implements InteropEchoServer {
    private final ExternalEchoServer process;

    private PythonWebsocketsServer(ExternalEchoServer process) {
        this.process = process;
    }

    /** The interpreter used: {@code $SLEET_PYTHON3}, else {@code /usr/bin/python3}, else {@code python3}. */
    public static String python() {
        String env = System.getenv("SLEET_PYTHON3");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * Why this server cannot run here (a message naming the missing tool, for a test's assumption), or empty when
     * Python runs and imports {@code websockets}.
     */
    public static Optional<String> missing() {
        if (!ExternalEchoServer.succeeds(List.of(python(), "--version"))) {
            return Optional.of("SKIPPED LOUDLY: " + python() + " not found; install the Debian package python3");
        }
        if (!ExternalEchoServer.succeeds(List.of(python(), "-c", "import websockets"))) {
            return Optional.of("SKIPPED LOUDLY: " + python() + " cannot import websockets; install the Debian "
                    + "package python3-websockets (.ci/run does)");
        }
        return Optional.empty();
    }

    /** Starts it on a free loopback port (the script binds port 0 and reports it). */
    public static PythonWebsocketsServer start() throws IOException, InterruptedException {
        missing().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        return new PythonWebsocketsServer(new ExternalEchoServer("python-echo.py", ".py", List.of(python(), "-u"),
                Map.of("PYTHONDONTWRITEBYTECODE", "1")));
    }

    @Override
    public String name() {
        return process.name();
    }

    @Override
    public int port() {
        return process.port();
    }

    /** The Python process's id. */
    public long pid() {
        return process.pid();
    }

    /** What the server printed (tracebacks, for failure messages). */
    public String output() {
        return process.output();
    }

    /** Stops the Python process by its PID. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
