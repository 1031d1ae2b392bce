package dev.sleet.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end over loopback with the JDK's WebSocket client: text and binary echo from 0 bytes to 16 MiB
 * (RFC 6455 §5.2's three length encodings and FRAG-03's default limit), fragmented sends (§5.4, FRAG-01) and
 * many concurrent clients (SERVE-01, LIFE-03, ACTOR-03/04).
 */
@ExtendWith(HandlerThreads.class)
class ServerEchoTest {
    static RecordingHandler handler = new RecordingHandler();
    static WebSocketServer server;

    @BeforeAll
    static void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20})
    void binaryEchoesAtEverySize(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (TestClient c = TestClient.connect(server.port())) {
            c.ws.sendBinary(ByteBuffer.wrap(data), true).get(20, TimeUnit.SECONDS);
            assertArrayEquals(data, c.awaitBinary());
        }
    }

    @ParameterizedTest(name = "{0} chars")
    @ValueSource(ints = {0, 1, 125, 126, 70000, 1 << 20})
    void textEchoesAtEverySize(int size) throws Exception {
        StringBuilder sb = new StringBuilder(size);
        Random r = new Random(size);
        int[] alphabet = "abcXYZ éß€𝄞 \u4e2d".codePoints().toArray(); // 1- to 4-byte UTF-8
        while (sb.length() < size) {
            sb.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
        }
        String text = sb.toString();
        try (TestClient c = TestClient.connect(server.port())) {
            c.ws.sendText(text, true).get(20, TimeUnit.SECONDS);
            assertEquals(text, c.awaitText());
        }
    }

    @Test
    void fragmentedSendsArriveAsOneMessage() throws Exception {
        try (TestClient c = TestClient.connect(server.port())) {
            c.ws.sendText("frag", false).get(5, TimeUnit.SECONDS);
            c.ws.sendText("men", false).get(5, TimeUnit.SECONDS);
            c.ws.sendText("ted ✓", true).get(5, TimeUnit.SECONDS);
            assertEquals("fragmented ✓", c.awaitText());
            c.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false).get(5, TimeUnit.SECONDS);
            c.ws.sendPing(ByteBuffer.wrap(new byte[] {9})).get(5, TimeUnit.SECONDS); // control between fragments
            c.ws.sendBinary(ByteBuffer.wrap(new byte[] {3}), true).get(5, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {1, 2, 3}, c.awaitBinary());
        }
    }

    @Test
    void messagesFromOneClientComeBackInOrder() throws Exception {
        try (TestClient c = TestClient.connect(server.port())) {
            for (int i = 0; i < 500; i++) {
                c.ws.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 500; i++) {
                assertEquals("m" + i, c.awaitText());
            }
        }
    }

    @Test
    void manyConcurrentClientsEachGetTheirOwnEchoes() throws Exception {
        int clients = 64;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    try (TestClient c = TestClient.connect(server.port())) {
                        for (int m = 0; m < 50; m++) {
                            c.ws.sendText(id + ":" + m, true).get(10, TimeUnit.SECONDS);
                        }
                        int ok = 0;
                        for (int m = 0; m < 50; m++) {
                            if (c.awaitText().equals(id + ":" + m)) {
                                ok++;
                            }
                        }
                        return ok;
                    }
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(50, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(server.metrics().messagesIn() >= clients * 50L);
    }
}
