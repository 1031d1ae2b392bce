package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sleet echo --tls-cert FILE --tls-key FILE} as the launcher runs it: a separate JVM started with
 * {@code java -p ... -m dev.sleet.examples/...}, so the module graph is the real one (ws-tls-conscrypt is
 * resolved through service binding, not a {@code requires}). With Conscrypt's native library allowed to load the
 * server serves wss:// on Conscrypt; when it cannot load, the server falls back to {@code jdk-tls} and says why.
 */
class EchoServerTlsLaunchTest {
    private static final Pattern LISTENING =
            Pattern.compile("listening on wss://127\\.0\\.0\\.1:(\\d+)/ \\(transport ([a-z-]+)\\)");

    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;

    @BeforeAll
    static void certificate() throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
    }

    /** A running example JVM and everything it printed so far. */
    record Launched(Process process, BlockingQueue<String> lines, List<String> seen) implements AutoCloseable {
        /** Waits for a line matching {@code p}. */
        Matcher await(Pattern p, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            throw new AssertionError("no line matching " + p + " within " + timeout + "; output: " + seen);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: the example shuts down gracefully
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the example did not stop on SIGTERM; output: " + seen);
            }
        }
    }

    static Launched launch(List<String> jvmFlags) throws IOException {
        String modulePath = System.getProperty("jdk.module.path");
        assumeTrue(modulePath != null && !modulePath.isBlank(),
                "SKIPPED: surefire did not run these tests on the module path, so there is none to hand on");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // as ./sleet does, for JCTools
        }
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-p", modulePath, "-m", "dev.sleet.examples/dev.sleet.examples.EchoServer",
                "--host", "127.0.0.1", "--port", "0", "--tls-cert", cert.certificatePem().toString(),
                "--tls-key", cert.privateKeyPem().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "example-output");
        pump.setDaemon(true);
        pump.start();
        return new Launched(p, lines, new ArrayList<>());
    }

    private static int feature() {
        return Runtime.version().feature();
    }

    @Test
    void echoOverConscryptWhenItsNativeLibraryLoads() throws Exception {
        List<String> flags = feature() >= 24 ? List.of("--enable-native-access=org.conscrypt") : List.of();
        try (Launched echo = launch(flags)) {
            Matcher m = echo.await(LISTENING, Duration.ofSeconds(30));
            assertEquals("conscrypt", m.group(2), echo.seen().toString());
            try (RawWebSocket ws = RawWebSocket.connectTls(Integer.parseInt(m.group(1)),
                    cert.clientContext().getSocketFactory(), "/")) {
                ws.sendText("wss from a launched example");
                assertEquals("wss from a launched example", ws.readFrame(Duration.ofSeconds(10)).text());
            }
            // No native-access warning either: the launcher's flag is the one this module needs.
            assertTrue(echo.seen().stream().noneMatch(l -> l.contains("WARNING")), echo.seen().toString());
        }
    }

    @Test
    void fallsBackToJdkTlsAndSaysWhyWhenConscryptCannotLoad() throws Exception {
        assumeTrue(feature() >= 24, "SKIPPED: --illegal-native-access=deny (the way this test stops Conscrypt's "
                + "native library from loading) needs JDK 24+; this is JDK " + feature());
        // The JDK's coming default: native code only for modules granted it, and org.conscrypt is not.
        try (Launched echo = launch(List.of("--illegal-native-access=deny"))) {
            Matcher m = echo.await(LISTENING, Duration.ofSeconds(30));
            assertEquals("jdk-tls", m.group(2), echo.seen().toString());
            String why = echo.seen().stream().filter(l -> l.contains("chosen because")).findFirst()
                    .orElseThrow(() -> new AssertionError("no reason logged: " + echo.seen()));
            assertTrue(why.contains("TLS transport jdk-tls chosen because conscrypt is not available")
                    && why.contains("UnsatisfiedLinkError"), why);
            try (RawWebSocket ws = RawWebSocket.connectTls(Integer.parseInt(m.group(1)),
                    cert.clientContext().getSocketFactory(), "/")) {
                ws.sendText("still wss");
                assertEquals("still wss", ws.readFrame(Duration.ofSeconds(10)).text());
            }
        }
    }
}
