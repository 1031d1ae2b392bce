package dev.sleet.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.examples.EchoServer;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.TestCertificates;
import io.netty.channel.epoll.Epoll;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every available client driver against a real Sleet echo server on 127.0.0.1 (ws:// and wss:// with a self-signed
 * certificate the driver trusts): the echo workload gets every reply right, in order, for ASCII, mixed-script and
 * binary payloads, with several messages in flight per connection; the connect workload opens and closes
 * connections with the server's 1000; wss:// refuses a certificate the driver was not told to trust. Counts and
 * checks only, never durations.
 */
class ClientDriverEchoTest {
    private static WebSocketServer server;
    private static TestCertificates.Issued cert;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        server = EchoServer.builder("127.0.0.1", 0, cert.certificatePem(), cert.privateKeyPem())
                .tlsPort(0).eventLoops(1).workers(1).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ClientDriver driver(String name) {
        if (name.equals("netty-epoll")) {
            assumeTrue(Epoll.isAvailable(), "Netty's epoll native transport does not load here: "
                    + Epoll.unavailabilityCause());
        }
        return ClientDrivers.create(name, new ClientDriver.Options(1, cert.certificate(), cert.clientContext()));
    }

    private static URI uri(boolean tls) {
        return URI.create(tls ? "wss://127.0.0.1:" + server.tlsPort() + "/" : "ws://127.0.0.1:" + server.port() + "/");
    }

    @ParameterizedTest
    @CsvSource({
        "netty, ascii, 32, false", "netty, mixed, 700, false", "netty, binary, 4096, false", "netty, mixed, 300, true",
        "netty-epoll, ascii, 32, false", "netty-epoll, binary, 70000, false",
        "jdk, ascii, 32, false", "jdk, mixed, 700, false", "jdk, binary, 4096, false", "jdk, mixed, 300, true",
        "jdk, binary, 70000, false",
        "sleet, ascii, 32, false", "sleet, mixed, 700, false", "sleet, binary, 4096, false", "sleet, mixed, 300, true",
        "sleet, binary, 70000, false"})
    void echoRepliesAllCheckedInOrder(String name, String payload, int size, boolean tls) throws Exception {
        try (ClientDriver d = driver(name)) {
            EchoWorkload echo = new EchoWorkload(d, uri(tls), 4, 4, payload, size);
            echo.open();
            echo.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (echo.replies() < 400 && System.nanoTime() < deadline && echo.problems.errors.get() == 0) {
                Thread.sleep(5);
            }
            echo.stopSending();
            assertTrue(echo.awaitSettled(10_000), "replies still missing: " + echo.lost());
            echo.closeAll();
            assertEquals(0, echo.problems.errors.get(), "errors (see CHECK lines)");
            assertEquals(0, echo.problems.dropped.get(), "connections closed by the server");
            assertTrue(echo.replies() >= 400, "replies: " + echo.replies());
        }
    }

    /** wss:// trusts only the certificate given: a driver trusting another one does not connect. */
    @ParameterizedTest
    @ValueSource(strings = {"netty", "jdk", "sleet"})
    void wssRefusesACertificateItDoesNotTrust(String name, @TempDir Path dir) throws Exception {
        TestCertificates.Issued other = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        try (ClientDriver d = ClientDrivers.create(name,
                new ClientDriver.Options(1, other.certificate(), other.clientContext()))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> d.connect(uri(true),
                    new ClientDriver.Inbound() {
                        @Override
                        public void onText(String text) {
                        }

                        @Override
                        public void onBinary(java.nio.ByteBuffer data) {
                        }

                        @Override
                        public void onClosed(int code, String reason) {
                        }

                        @Override
                        public void onError(Throwable error) {
                        }
                    }).get(30, TimeUnit.SECONDS));
            assertTrue(chain(e).contains("SSLHandshakeException") || chain(e).contains("certif"), chain(e));
        }
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" <- ");
        }
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"netty:false", "netty:true", "netty-epoll:false", "jdk:false", "jdk:true", "sleet:false",
        "sleet:true"})
    void connectCyclesCloseWith1000(String spec) throws Exception {
        String name = spec.substring(0, spec.indexOf(':'));
        boolean tls = spec.endsWith("true");
        try (ClientDriver d = driver(name)) {
            ConnectWorkload c = new ConnectWorkload(d, uri(tls), 2);
            c.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.cycles() < 20 && System.nanoTime() < deadline && c.problems.errors.get() == 0) {
                Thread.sleep(5);
            }
            c.stop();
            assertTrue(c.awaitIdle(30_000), "cycles still under way");
            assertEquals(0, c.problems.errors.get(), "errors (see CHECK lines)");
            assertTrue(c.cycles() >= 20, "cycles: " + c.cycles());
        }
    }
}
