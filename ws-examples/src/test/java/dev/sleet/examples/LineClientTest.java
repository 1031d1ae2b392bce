package dev.sleet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.server.WebSocketServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ./sleet client}: lines in, echoes printed, a close on /close or at the end of input, against the echo example. */
class LineClientTest {
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.builder("127.0.0.1", 0, null, null).extension("permessage-deflate").start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(5));
        }
    }

    private static String[] run(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LineClient.run(args, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {String.valueOf(status), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void linesAreSentAndEchoesPrintedUntilClose() {
        String[] r = run("hello\nПривет 世界 🎉\n/close 1000 done\n", "ws://127.0.0.1:" + server.port() + "/");
        assertEquals("0", r[0], r[2]);
        String out = r[1];
        assertTrue(out.contains("connected to ws://127.0.0.1:"), out);
        int hello = out.indexOf("< hello");
        int cyrillic = out.indexOf("< Привет 世界 🎉");
        int closed = out.indexOf("closed: 1000");
        assertTrue(hello > 0 && cyrillic > hello && closed > cyrillic, out);
    }

    @Test
    void endOfInputClosesNormally() {
        String[] r = run("one\n", "ws://127.0.0.1:" + server.port() + "/", "--deflate");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].indexOf("< one") < r[1].indexOf("closed: 1000"), r[1]);
    }

    @Test
    void aRefusedConnectionIsReportedWithItsCause() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String[] r = run("", "ws://127.0.0.1:" + closedPort + "/");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("ConnectFailedException"), r[2]);
    }

    @Test
    void missingUriPrintsUsage() {
        String[] r = run("");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("usage: ./sleet client"), r[2]);
    }
}
