package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.RawWebSocket;
import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A clean start: the echo example, started as {@code java -p <module path> -m dev.sleet.examples/...EchoServer} with
 * <em>no JVM flags at all</em>, starts, serves, stops on SIGTERM and prints no line containing {@code WARNING:}
 * (the JVM's warnings, e.g. JDK 24+'s "terminally deprecated method in sun.misc.Unsafe" or a native-access warning,
 * go to stderr, which is merged into the output checked here). A library must not make its users' logs warn or ask
 * them for flags.
 *
 * <p>The module path is the tests' own, minus Conscrypt (ws-tls-conscrypt and its jar): Conscrypt loads a native
 * library, which JDK 24+ reports unless {@code --enable-native-access=org.conscrypt} is given; that is Conscrypt's
 * cost and is covered by {@link EchoServerTlsLaunchTest}.
 */
class CleanStartLaunchTest {
    private static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/");
    private static final String MAIN = "dev.sleet.examples.EchoServer";
    private static final List<String> ARGS = List.of("--host", "127.0.0.1", "--port", "0");

    private static String coreModulePath() {
        String mp = ExampleProcess.modulePathWithout(e -> e.contains("conscrypt"));
        assertFalse(mp.contains("conscrypt"), mp);
        assertTrue(Arrays.stream(mp.split(File.pathSeparator)).anyMatch(e -> e.contains("jctools")),
                "JCTools is on the module path, so its use is what this test checks: " + mp);
        return mp;
    }

    /** Starts, waits until it listens, echoes over one connection (enough messages to grow the mailbox), stops. */
    private static List<String> startServeAndStop(List<String> jvmFlags) throws Exception {
        try (ExampleProcess echo = ExampleProcess.launch(jvmFlags, coreModulePath(), MAIN, ARGS)) {
            Matcher m = echo.await(LISTENING, Duration.ofSeconds(30));
            int port = Integer.parseInt(m.group(1));
            try (RawWebSocket ws = RawWebSocket.connect(port)) {
                for (int i = 0; i < 100; i++) {
                    ws.sendText("clean start " + i);
                }
                for (int i = 0; i < 100; i++) {
                    assertEquals("clean start " + i, ws.readFrame(Duration.ofSeconds(10)).text(), echo.seen().toString());
                }
            }
            return echo.stopAndCollect();
        }
    }

    @Test
    void coreServerStartsServesAndStopsWithoutAnyWarningAndWithoutJvmFlags() throws Exception {
        List<String> output = startServeAndStop(List.of());
        List<String> warnings = output.stream().filter(l -> l.contains("WARNING:")).toList();
        assertTrue(warnings.isEmpty(), "warnings on a clean start: " + warnings + "\nwhole output: " + output);
    }

    /**
     * The control: the same launch with one flag that makes the JVM itself print a warning to stderr. If this did
     * not see it, the check above would pass for the wrong reason (output not captured, stderr lost).
     */
    @Test
    void theCheckSeesAWarningTheJvmPrintsOnStderr() throws Exception {
        assumeTrue(Runtime.version().feature() >= 24, "SKIPPED: the control relies on JDK 24+'s warning for an "
                + "unknown module in --enable-native-access; this is JDK " + Runtime.version().feature());
        List<String> output = startServeAndStop(List.of("--enable-native-access=no.such.module"));
        assertTrue(output.stream().anyMatch(l -> l.contains("WARNING:")), "no warning seen: " + output);
    }
}
