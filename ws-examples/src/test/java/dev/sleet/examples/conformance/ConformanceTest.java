package dev.sleet.examples.conformance;

import dev.sleet.examples.EchoServer;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@link Conformance} case against the echo example on loopback, each on a fresh raw connection, over
 * every transport: plain TCP ({@code nio}) and TLS through {@code jdk-tls} and {@code conscrypt} (the same
 * frames inside TLS records must get the same answers). With {@code -Dsleet.conformance.report=FILE} (as
 * {@code ./sleet conformance} sets it) the results are also written as a Markdown report.
 */
class ConformanceTest {
    static final List<String> TRANSPORTS = List.of("nio", "jdk-tls", "conscrypt");
    static final Map<String, WebSocketServer> servers = new LinkedHashMap<>();
    static final Map<String, List<String[]>> results = new LinkedHashMap<>();
    static WebSocketServer deflateServer;
    static SSLSocketFactory client;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Issued cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        client = cert.clientContext().getSocketFactory();
        for (String t : TRANSPORTS) {
            WebSocketServer.Builder b = t.equals("nio") ? EchoServer.builder("127.0.0.1", 0, null, null)
                    : EchoServer.builder("127.0.0.1", 0, cert.certificatePem(), cert.privateKeyPem()).transport(t);
            WebSocketServer server = b.start();
            if (!server.transport().equals(t)) {
                throw new IllegalStateException("asked for " + t + ", got " + server.transport());
            }
            servers.put(t, server);
            results.put(t, new ArrayList<>());
        }
        deflateServer = EchoServer.builder("127.0.0.1", 0, null, null).extension("permessage-deflate").start();
    }

    @AfterAll
    static void stop() throws IOException {
        servers.values().forEach(WebSocketServer::close);
        deflateServer.close();
        String report = System.getProperty("sleet.conformance.report");
        if (report != null && !report.isBlank()) {
            Files.writeString(Path.of(report), render(results));
        }
    }

    @TestFactory
    Stream<DynamicContainer> autobahnStyleCases() {
        return TRANSPORTS.stream().map(t -> DynamicContainer.dynamicContainer(t, Conformance.all().stream()
                .map(c -> DynamicTest.dynamicTest(c.id() + " " + c.description(), () -> run(t, c)))));
    }

    /**
     * Groups 12 and 13: permessage-deflate (RFC 7692) against the echo example with {@code --deflate}, over plain
     * TCP (the extension sits above the transport); reported in the {@code nio} section.
     */
    @TestFactory
    Stream<DynamicTest> autobahnStyleDeflateCases() {
        return DeflateConformance.all().stream().map(c -> DynamicTest.dynamicTest(c.id() + " " + c.description(), () -> {
            long t0 = System.nanoTime();
            String outcome = "PASS";
            try (RawWebSocket ws = RawWebSocket.connect(deflateServer.port(), "/",
                    "Sec-WebSocket-Extensions: " + c.offer() + "\r\n")) {
                c.script().run(ws);
            } catch (Throwable t) {
                outcome = "FAIL: " + t.getMessage();
                throw t;
            } finally {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                List<String[]> rows = results.get("nio");
                synchronized (rows) {
                    rows.add(new String[] {c.id(), c.section(), c.description(), outcome, Long.toString(ms)});
                }
            }
        }));
    }

    private static void run(String transport, Conformance.Case c) throws Throwable {
        long t0 = System.nanoTime();
        String outcome = "PASS";
        int port = servers.get(transport).port();
        try (RawWebSocket ws = transport.equals("nio") ? RawWebSocket.connect(port)
                : RawWebSocket.connectTls(port, client, "/")) {
            c.script().run(ws);
        } catch (Throwable t) {
            outcome = "FAIL: " + t.getMessage();
            throw t;
        } finally {
            long ms = (System.nanoTime() - t0) / 1_000_000;
            List<String[]> rows = results.get(transport);
            synchronized (rows) {
                rows.add(new String[] {c.id(), c.section(), c.description(), outcome, Long.toString(ms)});
            }
        }
    }

    static String render(Map<String, List<String[]>> byTransport) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Conformance report\n\n");
        sb.append("Generated by `./sleet conformance` on ").append(LocalDate.now()).append(" against the echo example, ")
                .append("once per transport: plain TCP (`nio`) and wss:// through `jdk-tls` and `conscrypt`. Each ")
                .append("case opens a raw connection, sends exactly the bytes RFC 6455 talks about, and checks the ")
                .append("server's answer. Case numbers follow the Autobahn|Testsuite groups with the same intent ")
                .append("(1 framing, 2 ping/pong, 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close ")
                .append("handling, 9 large messages, 12 and 13 permessage-deflate payloads and parameters, run over ")
                .append("plain TCP against the echo example with `--deflate`); the cases are Sleet's own. The ")
                .append("Autobahn|Testsuite itself is distributed as a Docker image and this build machine has no ")
                .append("Docker engine, so it is not run here; where a case is modelled on one of its cases, the ")
                .append("expectation is the strict one (e.g. replies to earlier messages come before the close ")
                .append("frame).\n\n");
        sb.append("| transport | passed | failed |\n|---|---|---|\n");
        byTransport.forEach((t, rows) -> {
            long failed = rows.stream().filter(r -> !r[3].equals("PASS")).count();
            sb.append("| `").append(t).append("` | ").append(rows.size() - failed).append(" | ").append(failed)
                    .append(" |\n");
        });
        byTransport.forEach((t, rows) -> sb.append("\n").append(render("`" + t + "`", rows)));
        return sb.toString();
    }

    /** One transport's section. */
    static String render(String transport, List<String[]> rows) {
        Map<String, int[]> groups = new TreeMap<>();
        for (String[] r : rows) {
            int[] g = groups.computeIfAbsent(r[0].split("\\.")[0], k -> new int[2]);
            g[r[3].equals("PASS") ? 0 : 1]++;
        }
        long failed = rows.stream().filter(r -> !r[3].equals("PASS")).count();
        StringBuilder sb = new StringBuilder();
        sb.append("## ").append(transport).append("\n\n");
        sb.append("**").append(rows.size() - failed).append(" of ").append(rows.size()).append(" cases pass.**\n\n");
        sb.append("| group | passed | failed |\n|---|---|---|\n");
        groups.forEach((g, n) -> sb.append("| ").append(g).append(" | ").append(n[0]).append(" | ").append(n[1])
                .append(" |\n"));
        sb.append("\n| case | section (RFC 6455 unless named) | expectation | result | ms |\n|---|---|---|---|---|\n");
        rows.stream().sorted((a, b) -> compareIds(a[0], b[0])).forEach(r -> sb.append("| ").append(r[0]).append(" | ")
                .append(r[1]).append(" | ").append(r[2].replace("|", "\\|")).append(" | ")
                .append(r[3].replace("|", "\\|")).append(" | ").append(r[4]).append(" |\n"));
        return sb.toString();
    }

    private static int compareIds(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
