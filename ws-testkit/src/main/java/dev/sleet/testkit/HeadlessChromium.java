package dev.sleet.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven over the Chrome DevTools protocol with the JDK's own WebSocket client (no
 * WebDriver, no extra library): open pages, evaluate JavaScript in them, close them. For browser tests of
 * Sleet's examples and of extensions (permessage-deflate) against a real client.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final String[] CANDIDATES = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"};

    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();

    /** The browser binary, when one is installed. */
    public static Optional<Path> find() {
        String env = System.getenv("SLEET_CHROMIUM");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return Optional.of(Path.of(env));
        }
        for (String c : CANDIDATES) {
            if (Files.isExecutable(Path.of(c))) {
                return Optional.of(Path.of(c));
            }
        }
        return Optional.empty();
    }

    /** Starts a headless browser with a throw-away profile. */
    public static HeadlessChromium launch(Path binary) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("sleet-chromium");
        Process p = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run", "--no-default-browser-check",
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile,
                "about:blank").redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("Chromium did not start; its log: "
                        + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        List<String> lines = Files.readAllLines(portFile);
        URI endpoint = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        return new HeadlessChromium(p, profile, endpoint);
    }

    private HeadlessChromium(Process process, Path profile, URI endpoint) throws IOException {
        this.process = process;
        this.profile = profile;
        try {
            this.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new Listener())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("cannot reach the DevTools endpoint " + endpoint, e);
        }
    }

    /** A browser tab. */
    public final class Page {
        private final String targetId;
        private final String sessionId;

        private Page(String targetId, String sessionId) {
            this.targetId = targetId;
            this.sessionId = sessionId;
        }

        /** Evaluates {@code expression} in the page and returns its value as a string (awaiting promises). */
        public String eval(String expression) throws Exception {
            Map<String, Object> r = call(sessionId, "Runtime.evaluate", "{\"expression\":" + MiniJson.quote(expression)
                    + ",\"returnByValue\":true,\"awaitPromise\":true}");
            Object exception = MiniJson.at(r, "result", "exceptionDetails");
            if (exception != null) {
                throw new IllegalStateException("page threw: " + exception);
            }
            Object v = MiniJson.at(r, "result", "result", "value");
            return v == null ? null : String.valueOf(v);
        }

        /** Polls {@code expression} until it evaluates to "true", up to {@code timeout}. */
        public void await(String expression, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = null;
            while (System.nanoTime() < deadline) {
                last = eval(expression);
                if ("true".equals(last)) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new AssertionError("timed out waiting for: " + expression + " (last value " + last + ")");
        }

        /** Closes the tab, as a user closing it would. */
        public void close() throws Exception {
            call(null, "Target.closeTarget", "{\"targetId\":" + MiniJson.quote(targetId) + "}");
        }
    }

    /** Opens {@code url} in a new tab. */
    public Page open(String url) throws Exception {
        Map<String, Object> created = call(null, "Target.createTarget", "{\"url\":" + MiniJson.quote(url) + "}");
        String targetId = (String) MiniJson.at(created, "result", "targetId");
        Map<String, Object> attached = call(null, "Target.attachToTarget", "{\"targetId\":" + MiniJson.quote(targetId)
                + ",\"flatten\":true}");
        return new Page(targetId, (String) MiniJson.at(attached, "result", "sessionId"));
    }

    private Map<String, Object> call(String sessionId, String method, String params) throws Exception {
        long id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        pending.put(id, f);
        String msg = "{\"id\":" + id + ",\"method\":" + MiniJson.quote(method) + ",\"params\":" + params
                + (sessionId == null ? "" : ",\"sessionId\":" + MiniJson.quote(sessionId)) + "}";
        ws.sendText(msg, true).get(10, TimeUnit.SECONDS);
        Map<String, Object> r = f.get(30, TimeUnit.SECONDS);
        if (r.get("error") != null) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r;
    }

    @Override
    public void close() throws IOException {
        try {
            ws.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(profile)) {
                List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
                for (Path f : all) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException ignored) {
                // a temp folder left behind is not worth failing a test for
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                Object parsed = MiniJson.parse(text.toString());
                text.setLength(0);
                if (parsed instanceof Map<?, ?> m && m.get("id") instanceof Long id) {
                    CompletableFuture<Map<String, Object>> f = pending.remove(id);
                    if (f != null) {
                        f.complete((Map<String, Object>) m);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
