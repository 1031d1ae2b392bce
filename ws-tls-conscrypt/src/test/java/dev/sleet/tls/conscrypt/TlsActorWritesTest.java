package dev.sleet.tls.conscrypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.CloseCodes;
import dev.sleet.frame.Opcode;
import dev.sleet.server.TlsConfig;
import dev.sleet.server.WebSocketServer;
import dev.sleet.testkit.RawWebSocket;
import dev.sleet.testkit.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pipelined echoes over TLS, which the connection's actor wraps and writes itself (a turn that holds two or more
 * replies, up to 16 KiB of them), on each TLS transport. The client keeps asking for new keys in the middle of the stream (TLS 1.3
 * KeyUpdate with update_requested, RFC 8446 §4.6.3: the JDK's client sends one for each {@code startHandshake()} on
 * an established connection), so the server's answer, produced by the read path on the loop, has to find its place
 * between whole records of the actor's. Every echo must arrive whole and in order; a record spliced into another
 * fails the client's decryption and the test.
 */
class TlsActorWritesTest {
    private static final int BURSTS = 120;
    private static final int FRAMES_PER_BURST = 24;

    @TempDir
    static Path dir;
    static TestCertificates.Issued cert;
    static final TlsFixtures.EchoHandler handler = new TlsFixtures.EchoHandler();
    static WebSocketServer jdk;
    static WebSocketServer conscrypt;

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificates.issue(dir, "localhost", "EC", 1, 30);
        TlsConfig tls = TlsConfig.pem(cert.certificatePem(), cert.privateKeyPem());
        jdk = TlsFixtures.start("jdk-tls", tls, handler);
        conscrypt = TlsFixtures.start("conscrypt", tls, handler);
    }

    @AfterAll
    static void stop() {
        jdk.close();
        conscrypt.close();
    }

    private static WebSocketServer server(String transport) {
        return transport.equals("jdk-tls") ? jdk : conscrypt;
    }

    /** One message the client sends and expects back. */
    private record Sent(Opcode opcode, byte[] payload) {
    }

    /**
     * Small messages (many per record; a burst stays under the 16 KiB a TLS actor writes itself), text with non-ASCII
     * among them, and, when {@code large}, about one in twenty that spans several records (a burst holding one is
     * written by the loop).
     */
    private static List<Sent> messages(long seed, boolean large) {
        Random r = new Random(seed);
        String words = "ключ 鍵 🔑 key ";
        List<Sent> all = new ArrayList<>();
        for (int i = 0; i < BURSTS * FRAMES_PER_BURST; i++) {
            if (r.nextInt(4) == 0) {
                String text = i + ":" + words.repeat(1 + r.nextInt(12));
                all.add(new Sent(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
            } else {
                byte[] b = new byte[large && r.nextInt(20) == 0 ? 5_000 + r.nextInt(30_000) : 1 + r.nextInt(300)];
                r.nextBytes(b);
                all.add(new Sent(Opcode.BINARY, b));
            }
        }
        return all;
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void pipelinedEchoesStayWholeAndInOrderWhileTheClientUpdatesKeys(String transport) throws Exception {
        List<Sent> sent = messages(transport.hashCode(), false);
        SSLSocket socket = TlsFixtures.socket(cert.clientContext(), server(transport).port(), "localhost");
        try (RawWebSocket ws = TlsFixtures.upgrade(socket)) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol(), "KeyUpdate needs TLS 1.3");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int burst = 0; burst < BURSTS; burst++) {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        for (int i = 0; i < FRAMES_PER_BURST; i++) {
                            Sent m = sent.get(burst * FRAMES_PER_BURST + i);
                            bytes.writeBytes(RawWebSocket.encode(true, 0, m.opcode(), m.payload()));
                        }
                        ws.sendRaw(bytes.toByteArray()); // one write: the server reads many frames at once
                        if (burst % 4 == 3) {
                            socket.startHandshake(); // TLS 1.3: a KeyUpdate that asks the server for one back
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < sent.size(); i++) {
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(20));
                assertNotNull(f, "echo " + i + " of " + sent.size() + " never came");
                assertEquals(sent.get(i).opcode(), f.opcode(), "echo " + i);
                assertArrayEquals(sent.get(i).payload(), f.payload(), "echo " + i);
            }
            writer.get(30, TimeUnit.SECONDS);
            ws.sendClose(CloseCodes.NORMAL, "done");
            RawWebSocket.Frame close = ws.awaitClose(Duration.ofSeconds(10));
            assertNotNull(close, "no close frame after the echoes");
            assertEquals(CloseCodes.NORMAL, close.closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(10)), "the server did not close TCP");
        }
        handler.settle(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @MethodSource("dev.sleet.tls.conscrypt.TlsFixtures#transports")
    void aCloseBehindAPipelinedBurstComesAfterEveryEcho(String transport) throws Exception {
        List<Sent> sent = messages(31L * transport.hashCode(), true).subList(0, 200);
        try (RawWebSocket ws = TlsFixtures.upgrade(TlsFixtures.socket(cert.clientContext(),
                server(transport).port(), "localhost"))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (Sent m : sent) {
                bytes.writeBytes(RawWebSocket.encode(true, 0, m.opcode(), m.payload()));
            }
            ws.sendRaw(bytes.toByteArray());
            ws.sendClose(CloseCodes.GOING_AWAY, "bye");
            for (int i = 0; i < sent.size(); i++) {
                RawWebSocket.Frame f = ws.readFrame(Duration.ofSeconds(20));
                assertNotNull(f, "echo " + i + " never came");
                assertEquals(sent.get(i).opcode(), f.opcode(), "echo " + i + " (a close before it?)");
                assertArrayEquals(sent.get(i).payload(), f.payload(), "echo " + i);
            }
            RawWebSocket.Frame close = ws.readFrame(Duration.ofSeconds(10));
            assertNotNull(close, "no close frame");
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(CloseCodes.GOING_AWAY, close.closeCode());
            assertTrue(ws.awaitEof(Duration.ofSeconds(10)), "the server did not close TCP");
        }
        assertEquals(CloseCodes.GOING_AWAY, handler.awaitClose(Duration.ofSeconds(10)).code());
        handler.settle(Duration.ofSeconds(10));
    }
}
