package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    static ExampleProcess launch(List<String> jvmFlags) throws IOException {
        return ExampleProcess.launch(jvmFlags, ExampleProcess.modulePath(), "dev.sleet.examples.EchoServer",
                List.of("--host", "127.0.0.1", "--port", "0", "--tls-cert", cert.certificatePem().toString(),
                        "--tls-key", cert.privateKeyPem().toString()));
    }

    private static int feature() {
        return Runtime.version().feature();
    }

    @Test
    void echoOverConscryptWhenItsNativeLibraryLoads() throws Exception {
        List<String> flags = feature() >= 24 ? List.of("--enable-native-access=org.conscrypt") : List.of();
        try (ExampleProcess echo = launch(flags)) {
            Matcher m = echo.await(LISTENING, Duration.ofSeconds(30));
            assertEquals("conscrypt", m.group(2), echo.seen().toString());
            try (RawWebSocket ws = RawWebSocket.connectTls(Integer.parseInt(m.group(1)),
                    cert.clientContext().getSocketFactory(), "/")) {
                ws.sendText("wss from a launched example");
                assertEquals("wss from a launched example", ws.readFrame(Duration.ofSeconds(10)).text());
            }
            // No warning either, through shutdown: the launcher's native-access flag is the one this module needs
            // (and JCTools' Unsafe-free queues need none).
            List<String> output = echo.stopAndCollect();
            assertTrue(output.stream().noneMatch(l -> l.contains("WARNING")), output.toString());
        }
    }

    @Test
    void fallsBackToJdkTlsAndSaysWhyWhenConscryptCannotLoad() throws Exception {
        assumeTrue(feature() >= 24, "SKIPPED: --illegal-native-access=deny (the way this test stops Conscrypt's "
                + "native library from loading) needs JDK 24+; this is JDK " + feature());
        // The JDK's coming default: native code only for modules granted it, and org.conscrypt is not.
        try (ExampleProcess echo = launch(List.of("--illegal-native-access=deny"))) {
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
