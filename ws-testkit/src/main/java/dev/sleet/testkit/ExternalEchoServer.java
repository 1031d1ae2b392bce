package dev.sleet.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link InteropEchoServer} run as a child process from a script copied out of this module's resources. The
 * script binds port 0 and prints {@code LISTENING <port> <name>} once it serves; everything it prints is kept (the
 * last 64 KiB) for failure messages. Stopped by its PID: SIGTERM, then SIGKILL after 5 s.
 *
 * <table>
 * <caption>Who owns what</caption>
 * <tr><th>state</th><th>written by</th><th>read by</th><th>ordering</th></tr>
 * <tr><td>{@code process}, {@code port}, {@code name}, {@code script}</td><td>constructor</td><td>all</td>
 * <td>final fields</td></tr>
 * <tr><td>{@code output}</td><td>the output-pump thread</td><td>any (for messages)</td><td>synchronized</td></tr>
 * </table>
 */
final class ExternalEchoServer implements InteropEchoServer {
    private static final int OUTPUT_CAP = 64 * 1024;

    private final Process process;
    private final Path script;
    private final StringBuilder output = new StringBuilder();
    private final int port;
    private final String name;

    ExternalEchoServer(String resource, String suffix, List<String> commandBeforeScript, Map<String, String> env)
            throws IOException, InterruptedException {
        script = Files.createTempFile("sleet-echo-", suffix);
        try (var in = ExternalEchoServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource missing: " + resource);
            }
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new java.util.ArrayList<>(commandBeforeScript);
        cmd.add(script.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        process = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = Thread.ofPlatform().daemon().name("echo-output-" + process.pid()).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("LISTENING ")) {
                        ready.complete(line);
                    }
                    append(line);
                }
            } catch (IOException e) {
                append("(output: " + e + ")");
            } finally {
                ready.complete(null);
            }
        });
        String line;
        try {
            line = ready.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line = null;
        }
        if (line == null) {
            stop();
            pump.join(2000);
            throw new IOException(cmd + " did not start serving within 20 s; its output:\n" + output());
        }
        String[] parts = line.split(" ", 3);
        port = Integer.parseInt(parts[1]);
        name = parts.length > 2 ? parts[2] : cmd.get(0);
    }

    private synchronized void append(String line) {
        if (output.length() < OUTPUT_CAP) {
            output.append(line).append('\n');
        }
    }

    /** What the process printed so far (capped). */
    synchronized String output() {
        return output.toString();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int port() {
        return port;
    }

    /** The server process's id. */
    long pid() {
        return process.pid();
    }

    private void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM to this PID
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // a temp file left behind
        }
    }

    @Override
    public String toString() {
        return name + " on port " + port + " (pid " + process.pid() + ")";
    }

    /** Runs {@code cmd}, true when it exits 0 within 20 s. */
    static boolean succeeds(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
