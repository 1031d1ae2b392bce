package dev.sleet.examples.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.deflate.DeflateMetrics;
import dev.sleet.deflate.PerMessageDeflate;
import dev.sleet.examples.EchoServer;
import dev.sleet.server.WebSocketServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real client that speaks permessage-deflate: Node's {@code ws} 8 with {@code perMessageDeflate} (threshold 0, so it
 * compresses every message), against the echo example with deflate on. Each RFC 7692 §7.1 parameter combination is
 * offered; text and binary, small and 16 MiB, must come back intact, and the server must really have inflated and
 * deflated messages. {@code ws} is looked up in {@code $SLEET_NODE_MODULES} or the launcher's cache ({@code ~/.cache/sleet/node}, where
 * {@code .ci/run} installs it) and installed there with npm when missing; without node or npm the test skips, loudly.
 */
class DeflateNodeWsClientTest {
    static final String SCRIPT = """
            const WebSocket = require('ws');
            const crypto = require('crypto');
            const port = process.argv[2];
            const cases = [
              {},
              {serverNoContextTakeover: true},
              {clientNoContextTakeover: true},
              {serverNoContextTakeover: true, clientNoContextTakeover: true},
              {serverMaxWindowBits: 10},
              {clientMaxWindowBits: 9},
              {serverMaxWindowBits: 9, clientMaxWindowBits: 11, serverNoContextTakeover: true},
            ];
            function payload(size, seed) {
              let s = '';
              let i = seed;
              while (s.length < size) { s += '{"type":"message","from":"user' + (i++ % 97) + '","text":"hi ' + (i * 7919 % 100003) + '"}\\n'; }
              return s.substring(0, size);
            }
            function runCase(options) {
              return new Promise((resolve) => {
                const ws = new WebSocket('ws://127.0.0.1:' + port + '/', {perMessageDeflate: Object.assign({threshold: 0}, options)});
                const sent = [];
                const results = [];
                let agreed = null;
                ws.on('upgrade', (res) => { agreed = res.headers['sec-websocket-extensions']; });
                ws.on('open', () => {
                  for (const size of [5, 2000, 16 * 1024 * 1024]) {
                    const t = payload(size, size);
                    sent.push(['text', t]);
                    ws.send(t);
                    const b = Buffer.from(payload(size, size + 1), 'utf8');
                    sent.push(['binary', b]);
                    ws.send(b);
                  }
                });
                ws.on('message', (data, isBinary) => {
                  const [kind, expected] = sent[results.length];
                  const got = isBinary ? data : data.toString('utf8');
                  const same = isBinary ? Buffer.compare(got, expected) === 0 : got === expected;
                  results.push(kind + ':' + expected.length + ':' + (same && (kind === 'binary') === isBinary ? 'ok' : 'BAD'));
                  if (results.length === sent.length) { ws.close(1000); }
                });
                ws.on('close', (code) => resolve({options, extensions: agreed, code, results}));
                ws.on('error', (e) => resolve({options, error: String(e), results}));
              });
            }
            (async () => {
              for (const c of cases) { console.log(JSON.stringify(await runCase(c))); }
            })();
            """;

    /** Where {@code .ci/run} installs ws: {@code $SLEET_CACHE_DIR/node}, else {@code ${XDG_CACHE_HOME:-~/.cache}/sleet/node}. */
    static Path home() {
        String env = System.getenv("SLEET_NODE_MODULES");
        if (env != null) {
            return Path.of(env).getParent();
        }
        String cache = System.getenv("SLEET_CACHE_DIR");
        if (cache != null && !cache.isEmpty()) {
            return Path.of(cache, "node");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sleet").resolve("node");
    }

    static boolean has(String tool) {
        try {
            return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** {@code node_modules} with {@code ws} in it, installing it with npm when missing; null when impossible. */
    static Path wsModules() throws Exception {
        Path dir = home();
        Path modules = dir.resolve("node_modules");
        if (Files.isDirectory(modules.resolve("ws"))) {
            return modules;
        }
        if (!has("npm")) {
            return null;
        }
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "ws@8")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.err.println("npm install ws@8 failed: " + out);
            return null;
        }
        return Files.isDirectory(modules.resolve("ws")) ? modules : null;
    }

    @Test
    void nodeWsWithPerMessageDeflateRoundTripsEveryCombination() throws Exception {
        boolean node = has("node");
        Path modules = node ? wsModules() : null;
        if (modules == null) {
            System.err.println("\n*** SKIPPED DeflateNodeWsClientTest: " + (node ? "Node's ws package could not be "
                    + "installed (npm install ws@8)" : "node is not installed") + "; .ci/run installs both ***\n");
        }
        assumeTrue(modules != null, "node and its ws package are needed (CI installs them)");
        Path script = Files.createTempFile("sleet-deflate-", ".js");
        Files.writeString(script, SCRIPT);
        DeflateMetrics before = PerMessageDeflate.metrics();
        List<String> lines = new ArrayList<>();
        try (WebSocketServer server = EchoServer.builder("127.0.0.1", 0, null, null).extension("permessage-deflate")
                .start()) {
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), Integer.toString(server.port()))
                    .redirectErrorStream(true);
            pb.environment().put("NODE_PATH", modules.toString());
            Process p = pb.start();
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node finished");
                out.lines().forEach(lines::add);
                assertEquals(0, p.exitValue(), out);
            } finally {
                p.destroyForcibly();
                Files.deleteIfExists(script);
            }
        }
        assertEquals(7, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            assertTrue(line.contains("\"extensions\":\"permessage-deflate"), "deflate agreed: " + line);
            assertTrue(line.contains("\"code\":1000"), "closed normally: " + line);
            assertEquals(6, line.split(":ok\"").length - 1, "six echoes intact: " + line);
            assertTrue(!line.contains("BAD") && !line.contains("\"error\""), line);
        }
        assertTrue(lines.get(4).contains("server_max_window_bits=10"), lines.get(4));
        assertTrue(lines.get(6).contains("server_no_context_takeover") && lines.get(6).contains("server_max_window_bits=9")
                && lines.get(6).contains("client_max_window_bits=11"), lines.get(6));
        DeflateMetrics after = PerMessageDeflate.metrics();
        // ws compresses all 42 messages (threshold 0); the server compresses the 35 at or over its 64-byte threshold
        assertTrue(after.messagesInflated() - before.messagesInflated() >= 42, "server inflated node's messages");
        assertTrue(after.messagesCompressed() - before.messagesCompressed() >= 28, "server compressed its echoes");
    }
}
