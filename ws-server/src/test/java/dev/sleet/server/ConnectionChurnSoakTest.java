package dev.sleet.server;

import dev.sleet.core.Connection;
import dev.sleet.core.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sleet.frame.Opcode;
import dev.sleet.testkit.ProcessResources;
import dev.sleet.testkit.RawHttp;
import dev.sleet.testkit.RawWebSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak: thousands of connections open, talk, ping, misbehave (every defect connection core v2 fixed, and the
 * classic protocol attacks) and close at random for a bounded time, while a few survivors stay open throughout.
 * Afterwards the server's connection count, this process's descriptors and threads are back at their baseline,
 * every survivor still echoes with a consistent (drained, never negative) queue, and every scenario got exactly
 * the answer it should have. Tagged {@code soak}: {@code .ci/run} runs it for {@code sleet.soak.seconds}
 * (default here: 20 s).
 */
@Tag("soak")
class ConnectionChurnSoakTest {
    static final int SECONDS = Integer.getInteger("sleet.soak.seconds", 20);
    static final int CLIENTS = 64;
    static final int SURVIVORS = 16;
    static final String UPGRADE_REST = " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    static final String[] TEXTS = {"hello", "Привет, мир", "你好，世界", "emoji 🎉🚀", "x".repeat(3000)};
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Echoes; "crash" throws (1011); "close" closes with 4000 from the handler. */
    static final class SoakHandler implements WebSocketHandler {
        final AtomicLong opened = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        final Map<Long, Boolean> closedOnce = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

        @Override
        public void onOpen(Connection connection) {
            opened.incrementAndGet();
            if (Thread.currentThread().getName().startsWith("sleet-io")) {
                problems.add("onOpen on an event loop");
            }
        }

        @Override
        public void onMessage(Connection connection, Message message) {
            if (message instanceof Message.Text t) {
                switch (t.text()) {
                    case "crash" -> throw new IllegalStateException("soak: a handler bug");
                    case "close" -> connection.close(4000, "asked to");
                    default -> connection.send(t.text());
                }
            } else if (message instanceof Message.Binary b) {
                connection.send(b.data());
            }
        }

        @Override
        public void onClose(Connection connection, dev.sleet.frame.CloseStatus status) {
            closed.incrementAndGet();
            if (closedOnce.put(connection.id(), Boolean.TRUE) != null) {
                problems.add("onClose twice for " + connection.id());
            }
        }
    }

    interface Scenario {
        void run(int port, Random rnd) throws Exception;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void closeNormally(RawWebSocket ws) throws IOException {
        ws.sendClose(1000, "");
        RawWebSocket.Frame f = ws.awaitClose(WAIT);
        check(f != null && f.closeCode() == 1000, "normal close echoed: " + f);
        check(ws.awaitEof(WAIT), "TCP closed after the close handshake");
    }

    static final List<Scenario> SCENARIOS = List.of(
            // talk: several messages, text (non-ASCII too) and binary, every echo checked, then a clean close
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    for (int i = 0; i < 1 + rnd.nextInt(8); i++) {
                        String text = TEXTS[rnd.nextInt(TEXTS.length)];
                        ws.sendText(text);
                        RawWebSocket.Frame f = ws.readFrame(WAIT);
                        check(f != null && text.equals(f.text()), "echo of " + text.length() + " chars");
                    }
                    byte[] data = new byte[rnd.nextInt(20_000)];
                    rnd.nextBytes(data);
                    ws.sendBinary(data);
                    RawWebSocket.Frame f = ws.readFrame(WAIT);
                    check(f != null && Arrays.equals(data, f.payload()), "binary echo");
                    closeNormally(ws);
                }
            },
            // ping: pongs carry the ping's payload
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    byte[] p = new byte[rnd.nextInt(126)];
                    rnd.nextBytes(p);
                    ws.sendFrame(true, 0, Opcode.PING, p);
                    RawWebSocket.Frame f = ws.readFrame(WAIT);
                    check(f != null && f.opcode() == Opcode.PONG && Arrays.equals(p, f.payload()), "pong");
                    closeNormally(ws);
                }
            },
            // ping flood without reading, then vanish
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    byte[] one = RawWebSocket.encode(true, 0, Opcode.PING, new byte[125]);
                    byte[] many = new byte[one.length * 200];
                    for (int i = 0; i < 200; i++) {
                        System.arraycopy(one, 0, many, i * one.length, one.length);
                    }
                    for (int i = 0; i < 20; i++) {
                        ws.sendRaw(many);
                    }
                }
            },
            // abrupt: half a frame, then the socket goes away without a close
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    byte[] frame = RawWebSocket.encode(true, 0, Opcode.TEXT, "cut short".getBytes());
                    ws.sendRaw(Arrays.copyOf(frame, 1 + rnd.nextInt(frame.length - 1)));
                }
            },
            // requests the handler's view cannot be built from: 400
            (port, rnd) -> {
                String target = rnd.nextBoolean() ? "/?x=%zz" : "/?x=%ff";
                RawHttp.Response r = RawHttp.exchange(port, "GET " + target + UPGRADE_REST, WAIT);
                check(r.status() == 400 && r.closed(), "400 for " + target + ": " + r);
            },
            // a wrong version: 426
            (port, rnd) -> {
                RawHttp.Response r = RawHttp.exchange(port, ("GET /" + UPGRADE_REST).replace("Version: 13",
                        "Version: 8"), WAIT);
                check(r.status() == 426, "426: " + r);
            },
            // protocol errors after the upgrade: unmasked frame → 1002, bad UTF-8 → 1007, oversized → 1009
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    int kind = rnd.nextInt(3);
                    int expected;
                    if (kind == 0) {
                        ws.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
                        expected = 1002;
                    } else if (kind == 1) {
                        ws.sendFrame(true, 0, Opcode.TEXT, new byte[] {(byte) 0xC3, (byte) 0x28});
                        expected = 1007;
                    } else {
                        // Only the header of a 70,000-byte frame: refused from the header (the peer sends no more,
                        // so nothing unread turns the server's close into a reset).
                        ws.sendRaw(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 0, 1, 0x11, 0x70, 1, 2, 3, 4});
                        expected = 1009;
                    }
                    RawWebSocket.Frame f = ws.awaitClose(WAIT);
                    check(f != null && f.closeCode() == expected, "close " + expected + ": " + f);
                    check(ws.awaitEof(WAIT), "TCP closed after a protocol error");
                }
            },
            // a handler crash: 1011
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    ws.sendText("crash");
                    RawWebSocket.Frame f = ws.awaitClose(WAIT);
                    check(f != null && f.closeCode() == 1011, "1011 after a crash: " + f);
                    ws.sendClose(1011, "");
                    check(ws.awaitEof(WAIT), "TCP closed after a crash");
                }
            },
            // the handler closes: 4000, we answer
            (port, rnd) -> {
                try (RawWebSocket ws = RawWebSocket.connect(port)) {
                    ws.sendText("close");
                    RawWebSocket.Frame f = ws.awaitClose(WAIT);
                    check(f != null && f.closeCode() == 4000, "the handler's close: " + f);
                    ws.sendClose(4000, "");
                    check(ws.awaitEof(WAIT), "TCP closed after the handler's close");
                }
            },
            // slowloris: part of a request, then silence until the handshake timeout drops the socket
            (port, rnd) -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout((int) WAIT.toMillis());
                    OutputStream out = s.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    check(s.getInputStream().read() < 0, "a slow request is dropped at the handshake timeout");
                }
            });

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void churnReturnsEverythingToBaseline() throws Exception {
        int fdBaseline = ProcessResources.openFileDescriptors();
        int threadBaseline = ProcessResources.liveThreads();
        SoakHandler handler = new SoakHandler();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).handler(handler)
                .maxMessageSize(64 * 1024).maxQueuedBytes(256 * 1024).handshakeTimeout(Duration.ofMillis(500))
                .pingInterval(Duration.ZERO) // the raw clients do not answer pings; client pings are covered
                .closeTimeout(Duration.ofSeconds(2)).start();
        long seed = Long.getLong("sleet.soak.seed", System.nanoTime());
        System.out.println("ConnectionChurnSoakTest: seed " + seed + ", " + SECONDS + " s");
        List<RawWebSocket> survivors = new ArrayList<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong runs = new AtomicLong();
        long[] perScenario = new long[SCENARIOS.size()];
        try {
            for (int i = 0; i < SURVIVORS; i++) {
                survivors.add(RawWebSocket.connect(server.port()));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Random rnd = new Random(seed + c);
                clients.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        int which = rnd.nextInt(SCENARIOS.size());
                        try {
                            SCENARIOS.get(which).run(server.port(), rnd);
                            synchronized (perScenario) {
                                perScenario[which]++;
                            }
                            runs.incrementAndGet();
                        } catch (Throwable t) {
                            failures.add("scenario " + which + ": " + t);
                        }
                    }
                    return null;
                }));
            }
            int round = 0;
            while (System.nanoTime() < end) { // survivors keep talking throughout
                for (RawWebSocket s : survivors) {
                    s.sendText("survivor " + round);
                    RawWebSocket.Frame f = s.readFrame(WAIT);
                    check(f != null && ("survivor " + round).equals(f.text()), "survivor echo " + f);
                }
                round++;
                Thread.sleep(50); // pacing of the survivors' traffic, not a wait for a state
            }
            for (Future<?> f : clients) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));

            System.out.println("ConnectionChurnSoakTest: " + runs.get() + " scenario runs "
                    + Arrays.toString(perScenario) + ", " + handler.opened.get() + " opened");
            assertEquals(List.of(), failures.stream().limit(10).toList(), "every scenario got its answer");
            assertEquals(List.of(), List.copyOf(handler.problems));
            assertTrue(runs.get() >= SCENARIOS.size(), "the soak ran: " + runs.get());

            // Everything but the survivors is gone.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.connectionCount() > SURVIVORS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(SURVIVORS, server.connectionCount(), "only the survivors remain");
            for (Connection c : server.connections()) {
                assertTrue(c.queuedBytes() >= 0, "queued bytes never negative: " + c.queuedBytes());
            }
            for (RawWebSocket s : survivors) {
                s.sendText("still here");
                RawWebSocket.Frame f = s.readFrame(WAIT);
                assertEquals("still here", f == null ? null : f.text());
            }
            // The writer counts bytes out just after the socket took them: wait for that, then nothing is queued.
            deadline = System.nanoTime() + WAIT.toNanos();
            while (server.metrics().queuedBytes() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (Connection c : server.connections()) {
                assertEquals(0, c.queuedBytes(), "a survivor that reads everything has nothing queued");
            }
            assertEquals(0, server.metrics().queuedBytes());
            for (RawWebSocket s : survivors) {
                closeNormally(s);
            }
            deadline = System.nanoTime() + WAIT.toNanos();
            while (server.connectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.connectionCount());
            deadline = System.nanoTime() + WAIT.toNanos(); // onClose runs in each actor just after its socket closed
            while (handler.closed.get() < handler.opened.get() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(handler.opened.get(), handler.closed.get(), "onClose ran once for every opened connection");
        } finally {
            for (RawWebSocket s : survivors) {
                s.close();
            }
            server.close();
        }
        int fds = ProcessResources.awaitFileDescriptorsAtMost(fdBaseline + 10, 30_000);
        assertTrue(fds <= fdBaseline + 10, "descriptors back to " + fdBaseline + ": " + fds);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ProcessResources.liveThreads() > threadBaseline + 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(ProcessResources.liveThreads() <= threadBaseline + 2,
                "threads back to " + threadBaseline + ": " + ProcessResources.liveThreads());
    }
}
